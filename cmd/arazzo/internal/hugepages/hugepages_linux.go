package hugepages

import (
	"bytes"
	"os"
	"syscall"
	"unsafe"
)

const (
	hugePage     = 2 << 20
	advised      = 8 << 20
	madvHugepage = 14 // MADV_HUGEPAGE
	madvCollapse = 25 // MADV_COLLAPSE (Linux 6.1)
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
	sink = new([64]byte)
	region := uintptr(unsafe.Pointer(sink)) &^ (hugePage - 1)
	r := Result{Region: region}
	_, _, e := syscall.Syscall(syscall.SYS_MADVISE, region, advised, madvHugepage)
	// ENOMEM: part of the range is not mapped; the rest was advised.
	r.Advised = e == 0 || e == syscall.ENOMEM
	if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, region, hugePage, madvCollapse); e != 0 {
		r.CollapseErr = e
	} else {
		r.Collapsed = true
	}
	return r
}
