package openapi

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// settleClock makes every file count as settled (statMemoSettle) for the
// rest of the test, as if it were run an hour later.
func settleClock(t *testing.T) {
	t.Helper()
	old := statMemoNow
	statMemoNow = func() time.Time { return time.Now().Add(time.Hour) }
	t.Cleanup(func() { statMemoNow = old })
}

func needStamp(t *testing.T, path string) fileStamp {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st, ok := stampOf(fi)
	if !ok {
		t.Skip("no file stamp on this platform: every load hashes")
	}
	return st
}

// TestStatMemo: a settled file's key is memoized and then taken from the
// memo; every change of the file's bytes is seen, even one that keeps its
// size and puts its mtime back.
func TestStatMemo(t *testing.T) {
	settleClock(t)
	dir, cache := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(path, []byte("openapi: 3.0.3 # one"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := needStamp(t, path)
	key, n, err := fileKey(path, cache, 100, nil)
	if err != nil || key != contentKey([]byte("openapi: 3.0.3 # one")) || n != 20 {
		t.Fatalf("fileKey = %s %d %v", key, n, err)
	}
	memo := statMemoPath(cache, path)
	b, err := os.ReadFile(memo)
	if err != nil {
		t.Fatalf("no memo written: %v", err)
	}
	if k, _, ok := decodeStatMemo(b, st); !ok || k != key {
		t.Fatalf("memo = %s %v, want %s", k, ok, key)
	}

	// The memo is what answers: a memo naming another key is believed.
	other := contentKey([]byte("something else"))
	writeStatMemo(memo, st, other, n)
	if k, _, _ := fileKey(path, cache, 100, nil); k != other {
		t.Fatalf("memo not used: %s", k)
	}
	// ... but not beyond the size limit of the load.
	if _, n, _ := fileKey(path, cache, 10, nil); n <= 10 {
		t.Errorf("over the limit: n = %d", n)
	}

	// Same size, mtime put back: ctime still moves, the file is hashed again.
	time.Sleep(20 * time.Millisecond) // past the file system clock's tick
	fi, _ := os.Stat(path)
	if err := os.WriteFile(path, []byte("openapi: 3.0.3 # two"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if k, _, _ := fileKey(path, cache, 100, nil); k != contentKey([]byte("openapi: 3.0.3 # two")) {
		t.Errorf("changed file: key %s is not its content's", k)
	}

	// Without a cache directory there is no memo.
	if k, _, _ := fileKey(path, "", 100, nil); k != contentKey([]byte("openapi: 3.0.3 # two")) {
		t.Errorf("no cache: key %s", k)
	}
}

// TestStatMemoRacy: a file changed less than statMemoSettle ago is hashed
// but not memoized (it could change again within the same clock tick
// without its stamp changing).
func TestStatMemoRacy(t *testing.T) {
	dir, cache := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(path, []byte("openapi: 3.0.3"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := needStamp(t, path)
	if _, _, err := fileKey(path, cache, 100, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(statMemoPath(cache, path)); !os.IsNotExist(err) {
		t.Errorf("a file changed just now was memoized (%v)", err)
	}
	now := time.Unix(0, max(st.mtime, st.ctime))
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{now, false},
		{now.Add(statMemoSettle - time.Nanosecond), false},
		{now.Add(statMemoSettle), true},
		{now.Add(-time.Hour), false}, // a stamp in the future
	} {
		if got := settled(st, tc.at); got != tc.want {
			t.Errorf("settled at %v = %v, want %v", tc.at.Sub(now), got, tc.want)
		}
	}
}

// TestStatMemoDamaged: a memo that is truncated, damaged, foreign or about
// another state of the file is ignored, and the file hashed.
func TestStatMemoDamaged(t *testing.T) {
	settleClock(t)
	dir, cache := t.TempDir(), t.TempDir()
	path := filepath.Join(dir, "api.yaml")
	content := []byte("openapi: 3.0.3")
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	st := needStamp(t, path)
	want := contentKey(content)
	good := encodeStatMemo(st, contentKey([]byte("other")), int64(len(content)))
	flip := func(i int) []byte { b := bytes.Clone(good); b[i] ^= 1; return b }
	otherState := st
	otherState.ctime++
	for name, memo := range map[string][]byte{
		"empty":         {},
		"truncated":     good[:len(good)-1],
		"longer":        append(bytes.Clone(good), 0),
		"magic":         flip(0),
		"stamp bit":     flip(len(statMemoMagic)),
		"key bit":       flip(len(good) - 5),
		"checksum":      flip(len(good) - 1),
		"other state":   encodeStatMemo(otherState, contentKey([]byte("other")), int64(len(content))),
		"length > size": encodeStatMemo(st, contentKey([]byte("other")), st.size+1),
		"negative":      encodeStatMemo(st, contentKey([]byte("other")), -1),
		"garbage":       bytes.Repeat([]byte{0xff}, statMemoSize),
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.MkdirAll(filepath.Join(cache, "stat"), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(statMemoPath(cache, path), memo, 0o600); err != nil {
				t.Fatal(err)
			}
			if k, _, err := fileKey(path, cache, 100, nil); err != nil || k != want {
				t.Errorf("fileKey = %s %v, want %s", k, err, want)
			}
			// ... and rewritten.
			b, _ := os.ReadFile(statMemoPath(cache, path))
			if k, _, ok := decodeStatMemo(b, st); !ok || k != want {
				t.Errorf("memo not rewritten: %s %v", k, ok)
			}
		})
	}
	if encodeStatMemo(st, "not hex", 1) != nil {
		t.Error("a key that is not a SHA-256 was encoded")
	}
}

// TestStatMemoLoad: a warm Load through the memo serves the entry, and a
// changed document (same size, mtime put back) is loaded afresh.
func TestStatMemoLoad(t *testing.T) {
	settleClock(t)
	path, src, cache := petstoreCopy(t)
	needStamp(t, path)
	opts := LoadOptions{Operations: []string{"listPets"}, CacheDir: cache}
	for i := range 2 {
		d, err := Load(context.Background(), path, opts)
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 && d.lazy.data != nil {
			t.Fatal("second load not served from the cache")
		}
	}
	if _, err := os.Stat(statMemoPath(cache, path)); err != nil {
		t.Fatalf("no memo: %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	fi, _ := os.Stat(path)
	// The limit parameter is renamed: same size.
	changed := bytes.Replace(src, []byte("name: limit"), []byte("name: limix"), 1)
	if len(changed) != len(src) || bytes.Equal(changed, src) {
		t.Fatal("bad edit")
	}
	if err := os.WriteFile(path, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	d, err := Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	op, _ := d.OperationByID("listPets")
	if op == nil || len(op.Parameters) == 0 || op.Parameters[0].Name != "limix" {
		t.Errorf("stale entry served for the changed document: %+v", op)
	}
}
