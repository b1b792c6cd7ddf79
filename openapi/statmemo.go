package openapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"
)

// The stat memo spares a warm load the hashing of a local description
// (about 2 ms for the 2.3 MB Auth0 one, the largest cost of a warm run
// before it): it remembers, per file path, the content key computed last
// time together with what the file system says of the file (device,
// inode, size, mtime and ctime to the nanosecond). When all five are
// unchanged, the file is taken to be the one that was hashed, and its key
// is taken from the memo. The cache stays addressed by content: the memo
// only saves recomputing a key. A write(2), a truncation, restoring mtime
// by hand (which sets ctime), a file replaced by another (another inode or
// ctime): each changes the stamp. It is git's index rule, including its
// guard against "racy" files: a file changed in the same clock tick as it
// was hashed could change again without its stamp changing (file system
// clocks are coarse), so a file whose mtime or ctime is less than
// statMemoSettle old (or in the future) is hashed but not memoized; the
// next load memoizes it.
//
// The blind spot, shared with git: a program that writes the file through
// a shared memory mapping moves mtime only at the first write to a clean
// page, so a second write to the same page while it is still dirty leaves
// the stamp as it was. Descriptions are not edited that way in practice;
// --no-cache (or ARAZZO_CACHE_DIR=off) bypasses the memo with the cache.
// Only Linux and macOS give the stamp (stat_*.go); elsewhere every load
// hashes.

// fileStamp is what the file system says of a file.
type fileStamp struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // Unix nanoseconds
}

// statMemoSettle is how old a file's last change must be for its key to be
// memoized.
const statMemoSettle = 2 * time.Second

// statMemoNow is the clock of the racy check (tests move it).
var statMemoNow = time.Now

// statMemoMagic starts every memo; it names the content key's definition
// (a change of it must change the magic).
const statMemoMagic = "azstat1\x00"

// statMemoSize is the size of a memo: magic, the stamp and the length
// hashed (6 × 8 bytes), the SHA-256, a CRC-32 of all that.
const statMemoSize = len(statMemoMagic) + 6*8 + sha256.Size + 4

// fileKey is hashFile through the stat memo of dir (a cache directory; ""
// disables the memo).
func fileKey(name, dir string, max int64, buf []byte) (key string, n int64, err error) {
	memo := ""
	if dir != "" && haveStamp {
		memo = statMemoPath(dir, name)
		if fi, err := os.Stat(name); err == nil {
			if st, ok := stampOf(fi); ok {
				if key, n, ok := readStatMemo(memo, st); ok && n <= max {
					return key, n, nil
				}
			}
		}
	}
	f, err := os.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	before, err1 := f.Stat()
	key, n, err = hashOpen(f, max, buf)
	if err != nil || memo == "" || n > max || err1 != nil {
		return key, n, err
	}
	// Memoize only a file that did not change while it was hashed and has
	// settled.
	after, err2 := f.Stat()
	if err2 != nil {
		return key, n, nil
	}
	st, ok1 := stampOf(before)
	st2, ok2 := stampOf(after)
	if ok1 && ok2 && st == st2 && settled(st, statMemoNow()) {
		writeStatMemo(memo, st, key, n)
	}
	return key, n, nil
}

// settled reports whether a file last changed at st is old enough, at now,
// for its key to be memoized.
func settled(st fileStamp, now time.Time) bool {
	limit := now.Add(-statMemoSettle).UnixNano()
	return st.mtime <= limit && st.ctime <= limit
}

// statMemoPath is the memo of the file name: one per absolute path.
func statMemoPath(dir, name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		name = abs
	}
	h := sha256.Sum256([]byte(statMemoMagic + name))
	return filepath.Join(dir, "stat", hex.EncodeToString(h[:16])+".stat")
}

func encodeStatMemo(st fileStamp, key string, n int64) []byte {
	sum, err := hex.DecodeString(key)
	if err != nil || len(sum) != sha256.Size {
		return nil
	}
	b := make([]byte, 0, statMemoSize)
	b = append(b, statMemoMagic...)
	for _, v := range [...]uint64{st.dev, st.ino, uint64(st.size), uint64(st.mtime), uint64(st.ctime), uint64(n)} {
		b = binary.LittleEndian.AppendUint64(b, v)
	}
	b = append(b, sum...)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// decodeStatMemo returns the key and length of a memo whose stamp is st;
// false when b is not a sound memo or is the memo of another file state.
func decodeStatMemo(b []byte, st fileStamp) (key string, n int64, ok bool) {
	if len(b) != statMemoSize || !bytes.HasPrefix(b, []byte(statMemoMagic)) {
		return "", 0, false
	}
	body := b[:len(b)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return "", 0, false
	}
	var v [6]uint64
	for i := range v {
		v[i] = binary.LittleEndian.Uint64(body[len(statMemoMagic)+8*i:])
	}
	got := fileStamp{dev: v[0], ino: v[1], size: int64(v[2]), mtime: int64(v[3]), ctime: int64(v[4])}
	if got != st || int64(v[5]) < 0 || int64(v[5]) > st.size {
		return "", 0, false
	}
	return hex.EncodeToString(body[len(statMemoMagic)+6*8:]), int64(v[5]), true
}

func readStatMemo(path string, st fileStamp) (key string, n int64, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, false
	}
	defer f.Close()
	var b [statMemoSize + 1]byte
	k, _ := f.Read(b[:])
	return decodeStatMemo(b[:k], st)
}

// writeStatMemo writes the memo (atomically; failures are silent, as for
// cache entries).
func writeStatMemo(path string, st fileStamp, key string, n int64) {
	if b := encodeStatMemo(st, key, n); b != nil {
		WriteCacheFile(path, b)
	}
}
