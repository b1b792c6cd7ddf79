package hugepages

import (
	"bytes"
	"os"
	"syscall"
	"unsafe"
)

const (
	hugePage        = 2 << 20
	advised         = 4 << 20 // the runtime maps the heap in 4 MiB chunks
	madvHugepage    = 14      // MADV_HUGEPAGE
	madvCollapse    = 25      // MADV_COLLAPSE (Linux 6.1)
	prGetTHPDisable = 42      // PR_GET_THP_DISABLE
)

// sysfs is the THP setting's file (tests point it elsewhere).
var sysfs = "/sys/kernel/mm/transparent_hugepage/enabled"

// sink keeps the probe object on the heap.
var sink *[64]byte

// Setup applies the advice (see the package doc) and says what it did.
func Setup() Result {
	if os.Getenv(Env) == "off" {
		return Result{Skipped: Env + "=off"}
	}
	setting, err := os.ReadFile(sysfs)
	if err != nil {
		return Result{Skipped: "no transparent huge pages"}
	}
	if bytes.Contains(setting, []byte("[never]")) {
		return Result{Skipped: "transparent huge pages are disabled"}
	}
	// prctl(PR_SET_THP_DISABLE), inherited across exec: whoever started
	// this process asked for no huge pages.
	if r, _, e := syscall.Syscall(syscall.SYS_PRCTL, prGetTHPDisable, 0, 0); e == 0 && r == 1 {
		return Result{Skipped: "huge pages are disabled for this process"}
	}
	sink = new([64]byte)
	region := uintptr(unsafe.Pointer(sink)) &^ (hugePage - 1)
	r := Result{Region: region}
	_, _, e := syscall.Syscall(syscall.SYS_MADVISE, region, advised, madvHugepage)
	// ENOMEM: part of the range is not mapped (the heap may start near the
	// end of its arena); the rest was advised.
	r.Advised = e == 0 || e == syscall.ENOMEM
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, region, hugePage, madvCollapse); e != 0 {
		r.CollapseErr = e
	} else {
		r.Collapsed = true
	}
	return r
}
