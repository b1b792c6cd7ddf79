// Package hugepages backs the start of the arazzo command's Go heap with a
// transparent huge page, on Linux. Import it for its side effect, first
// thing, from the command alone (never from a library package: it tunes
// the process, which belongs to whoever owns main).
//
// Why: a cached run touches about 2.5 MB of fresh heap. With 4 KiB pages
// that is ~490 page faults, ~12 µs each on a virtual machine: a sixth of a
// 30 ms run. Linux's transparent huge pages are commonly enabled "only when
// asked" (enabled = madvise, the default of most distributions) and the Go
// runtime does not ask. So, during package initialization, before the
// heavy packages initialize, for the 2 MiB region holding a fresh heap
// object: MADV_COLLAPSE (Linux 6.1), which copies that region, already
// partly touched, into one huge page at once; and MADV_HUGEPAGE on it and
// the next region, which gets a huge page at its first touch (the runtime
// maps the heap in 4 MiB chunks; advice given to address space it has not
// mapped yet would be lost when it maps it, so none is given).
// Measured on the Auth0 seed's cached run (median of 60, interleaved): 3 ms
// less wall time, 1.7 MiB more resident memory. The collapse itself takes
// 1.0 ms (median; 5.6 ms at the 99th percentile, on a virtual machine whose
// host backs a huge page lazily), and saves about 4 ms of page faults.
//
// Both are advice: the kernel may decline (no free huge page, an older
// kernel, a region that is not all heap) and nothing changes but speed. An
// administrator's "never" in /sys/kernel/mm/transparent_hugepage/enabled
// and a parent's prctl(PR_SET_THP_DISABLE) are respected;
// ARAZZO_HUGEPAGES=off turns it off.
package hugepages

// Result says what Setup did.
type Result struct {
	Skipped   string // why nothing was done; "" when it was tried
	Advised   bool   // MADV_HUGEPAGE accepted
	Collapsed bool   // MADV_COLLAPSE made the first region a huge page
	// CollapseErr is why it did not (EINVAL before Linux 6.1; EAGAIN or
	// ENOMEM when no huge page could be had).
	CollapseErr error
	Region      uintptr // the first region's address
}

// Env is the variable that turns the tuning off ("off").
const Env = "ARAZZO_HUGEPAGES"

var last Result

func init() { last = Setup() }

// Last is what the package's initialization did.
func Last() Result { return last }
