//go:build linux

package hugepages

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestSkips(t *testing.T) {
	dir := t.TempDir()
	never := filepath.Join(dir, "never")
	if err := os.WriteFile(never, []byte("always madvise [never]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, env, sysfs, want string
	}{
		{"turned off", "off", sysfs, Env + "=off"},
		{"never", "", never, "transparent huge pages are disabled"},
		{"no THP", "", filepath.Join(dir, "missing"), "no transparent huge pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(Env, tc.env)
			old := sysfs
			sysfs = tc.sysfs
			defer func() { sysfs = old }()
			if r := Setup(); r.Skipped != tc.want || r.Advised || r.Collapsed {
				t.Errorf("Setup() = %+v, want skipped: %q", r, tc.want)
			}
		})
	}
}

// TestSkipsDisabledProcess: a process whose parent (or itself) set
// PR_SET_THP_DISABLE is left alone.
func TestSkipsDisabledProcess(t *testing.T) {
	t.Setenv(Env, "")
	if _, err := os.ReadFile(sysfs); err != nil {
		t.Skip("no transparent huge pages here")
	}
	const prSetTHPDisable = 41
	if _, _, e := syscall.Syscall(syscall.SYS_PRCTL, prSetTHPDisable, 1, 0); e != 0 {
		t.Skipf("PR_SET_THP_DISABLE: %v", e)
	}
	defer syscall.Syscall(syscall.SYS_PRCTL, prSetTHPDisable, 0, 0)
	if r := Setup(); r.Skipped != "huge pages are disabled for this process" {
		t.Errorf("Setup() = %+v", r)
	}
}

// TestCollapse: where the kernel can (THP not "never", Linux 6.1 or later,
// a huge page free), the heap region holding a fresh object ends up backed
// by a huge page.
func TestCollapse(t *testing.T) {
	t.Setenv(Env, "")
	setting, err := os.ReadFile(sysfs)
	if err != nil || strings.Contains(string(setting), "[never]") {
		t.Skip("transparent huge pages unavailable or disabled here")
	}
	r := Setup()
	if r.Skipped == "huge pages are disabled for this process" {
		t.Skip(r.Skipped)
	}
	if r.Skipped != "" || !r.Advised {
		t.Fatalf("Setup() = %+v", r)
	}
	if !r.Collapsed {
		// EAGAIN: no huge page to be had now; EINVAL: before Linux 6.1.
		// ENOMEM (not all mapped) is a failure: the region is wrong.
		var e syscall.Errno
		if errors.As(r.CollapseErr, &e) && (e == syscall.EAGAIN || e == syscall.EINVAL && !atLeast61()) {
			t.Skipf("the kernel declined the collapse: %v", e)
		}
		t.Fatalf("collapse failed: %v", r.CollapseErr)
	}
	kb, err := anonHugeKB(r.Region)
	if err != nil {
		t.Fatal(err)
	}
	if kb < 2048 {
		t.Errorf("the mapping holding %#x has %d kB of huge pages, want at least 2048", r.Region, kb)
	}
}

// TestInitRan: the package's initialization called Setup.
func TestInitRan(t *testing.T) {
	if r := Last(); r.Skipped == "" && !r.Advised {
		t.Errorf("Last() = %+v: Setup did not run at init", r)
	}
}

// anonHugeKB is the AnonHugePages of the mapping holding addr.
func anonHugeKB(addr uintptr) (int, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if lo, hi, ok := mappingRange(line); ok {
			in = lo <= addr && addr < hi
			continue
		}
		if in && strings.HasPrefix(line, "AnonHugePages:") {
			return strconv.Atoi(strings.Fields(line)[1])
		}
	}
	return 0, fmt.Errorf("no mapping holds %#x", addr)
}

func mappingRange(line string) (lo, hi uintptr, ok bool) {
	f := strings.Fields(line)
	if len(f) == 0 {
		return 0, 0, false
	}
	a, b, found := strings.Cut(f[0], "-")
	if !found {
		return 0, 0, false
	}
	l, err1 := strconv.ParseUint(a, 16, 64)
	h, err2 := strconv.ParseUint(b, 16, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uintptr(l), uintptr(h), true
}

// atLeast61 reports whether the kernel has MADV_COLLAPSE.
func atLeast61() bool {
	var u syscall.Utsname
	if syscall.Uname(&u) != nil {
		return false
	}
	var b []byte
	for _, c := range u.Release {
		if c == 0 {
			break
		}
		b = append(b, byte(c))
	}
	var major, minor int
	fmt.Sscanf(string(b), "%d.%d", &major, &minor)
	return major > 6 || major == 6 && minor >= 1
}
