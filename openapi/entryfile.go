package openapi

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"io"
	"os"
	"sync"
	"unsafe"
)

// The entry file: a head, read and decoded by every warm load, and a tail
// of pieces (the component bodies, the outline of every operation) read
// only when a piece is first needed.
//
//	entryMagic, a line of JSON naming the loader version (so that the
//	  file says what it is, and older tools see a foreign entry)
//	head length (4 bytes, little-endian, from the file's start)
//	head fields: numbers as uvarints, strings as a uvarint length and the
//	  bytes: loaderVersion, doc key, want (count, strings), n, selected
//	  operations (count; index, path, method, id, first byte), ids (count,
//	  strings), warnings (count; message, pointer), tree (JSON),
//	  components (count; section, name, piece), outline (piece), tail
//	  (length, CRC-32)
//	CRC-32 of the head fields (4 bytes)
//	tail: the pieces, each at (offset from the tail's start, length) with
//	  its own CRC-32
//
// Why: a warm load reads its head into the buffer the content key was
// computed with (no new memory: on this project's reference machine a
// page first touched costs more than copying it), and the Auth0 seed's
// head is a fifth of the entry. Damage to the head is noticed at once (the
// entry is rebuilt); damage to a piece when it is read (the piece is then
// made again from the document). Writers replace entries whole (rename),
// and the tail of an entry depends only on its key, so a piece read from
// a replaced entry still checks.

// maxEntryOperations bounds the operation count an entry may claim (the
// loader allocates a slot per operation): 4 Mi operations, far beyond any
// description the loader accepts (Auth0's 2.3 MB has 406).
const maxEntryOperations = 1 << 22

// piece is where a piece is in the tail, and its CRC-32.
type piece struct {
	off, n int
	crc    uint32
}

// entryFile reads pieces of an entry's tail.
type entryFile struct {
	path      string
	tailOff   int
	tailLen   int
	tailCRC   uint32
	mu        sync.Mutex
	tail      string // the whole tail, once read
	tailTried bool
	reads     int // pieces read one by one
}

// readAt reads n bytes at off of the file, or fails.
func (f *entryFile) readAt(off, n int) ([]byte, bool) {
	file, err := os.Open(f.path)
	if err != nil {
		return nil, false
	}
	defer file.Close()
	b := make([]byte, n)
	if _, err := file.ReadAt(b, int64(off)); err != nil {
		return nil, false
	}
	return b, true
}

// pieceReads is how many pieces are read one by one (an open and a read
// each) before the whole tail is read at once: a run's checks reach a few
// components, a mock or a whole-document Raw most of them.
const pieceReads = 8

// piece returns the content of p, false when it cannot be read or does
// not check.
func (f *entryFile) piece(p piece) (string, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tail == "" && f.reads >= pieceReads {
		f.loadTailLocked()
	}
	if f.tail != "" {
		return f.tail[p.off : p.off+p.n], true // the tail checked as a whole
	}
	f.reads++
	b, ok := f.readAt(f.tailOff+p.off, p.n)
	if !ok || crc32.ChecksumIEEE(b) != p.crc {
		return "", false
	}
	return unsafe.String(unsafe.SliceData(b), len(b)), true
}

// loadTail reads the whole tail at once (for a caller about to need most
// pieces); false when it cannot be read or does not check.
func (f *entryFile) loadTail() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loadTailLocked()
}

func (f *entryFile) loadTailLocked() bool {
	if f.tail != "" || f.tailTried {
		return f.tail != ""
	}
	f.tailTried = true
	b, ok := f.readAt(f.tailOff, f.tailLen)
	if !ok || len(b) == 0 || crc32.ChecksumIEEE(b) != f.tailCRC {
		return false
	}
	f.tail = unsafe.String(unsafe.SliceData(b), len(b))
	return true
}

// entryMagic starts every entry file.
const entryMagic = `{"version":"` + loaderVersion + `"}` + "\n"

func encodeEntry(doc string, e *cacheEntry, outline []outlineOp) ([]byte, error) {
	tree := []byte(e.treeJSON)
	if e.tree != nil {
		var err error
		if tree, err = json.Marshal(e.tree); err != nil {
			return nil, err
		}
	}
	w := &entryWriter{b: make([]byte, len(entryMagic)+4, 32<<10)}
	copy(w.b, entryMagic)
	tail := &entryWriter{b: make([]byte, 0, 128<<10)}
	add := func(s string) {
		w.uint(len(tail.b))
		w.uint(len(s))
		w.b = binary.LittleEndian.AppendUint32(w.b, crc32.ChecksumIEEE([]byte(s)))
		tail.b = append(tail.b, s...)
	}
	w.str(loaderVersion)
	w.str(doc)
	w.uint(len(e.want))
	for _, s := range e.want {
		w.str(s)
	}
	w.uint(e.n)
	w.uint(len(e.sel))
	for k, i := range e.sel {
		op := e.selOps[k]
		w.uint(i)
		w.str(op.Path)
		w.str(op.Method)
		w.str(op.ID)
		if e.selFirst[k] {
			w.b = append(w.b, 1)
		} else {
			w.b = append(w.b, 0)
		}
	}
	w.uint(len(e.ids))
	for _, s := range e.ids {
		w.str(s)
	}
	w.uint(len(e.warnings))
	for _, x := range e.warnings {
		w.str(x.Message)
		w.str(x.Pointer)
	}
	w.bytes(tree)
	w.uint(len(e.comps))
	for _, c := range e.comps {
		w.str(c.sec)
		w.str(c.name)
		add(c.js)
	}
	add(encodeOutline(outline))
	w.uint(len(tail.b))
	w.b = binary.LittleEndian.AppendUint32(w.b, crc32.ChecksumIEEE(tail.b))
	const h = len(entryMagic) + 4
	w.b = binary.LittleEndian.AppendUint32(w.b, crc32.ChecksumIEEE(w.b[h:]))
	binary.LittleEndian.PutUint32(w.b[len(entryMagic):], uint32(len(w.b)))
	return append(w.b, tail.b...), nil
}

// readEntry reads the head of the entry at path (into buf when it fits)
// and decodes it.
func readEntry(path string, buf []byte, doc string, want []string) (*cacheEntry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if buf == nil {
		buf = make([]byte, hashChunk)
	}
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, errEntry
	}
	const h = len(entryMagic) + 4
	if n < h || string(buf[:len(entryMagic)]) != entryMagic {
		return nil, errEntry
	}
	headLen := int(binary.LittleEndian.Uint32(buf[len(entryMagic):]))
	if headLen < h+4 || headLen > 1<<30 {
		return nil, errEntry
	}
	head := buf[:n]
	if headLen > n {
		if n < len(buf) {
			return nil, errEntry // the file ended before its head did
		}
		if st, err := f.Stat(); err != nil || int64(headLen) > st.Size() {
			return nil, errEntry // a damaged length: no allocation of it
		}
		head = make([]byte, headLen)
		copy(head, buf[:n])
		if _, err := io.ReadFull(f, head[n:]); err != nil {
			return nil, errEntry
		}
	}
	if n < len(buf)/2 {
		// A small entry read whole: the document keeps its strings, so
		// keep only its bytes, not the reading buffer.
		head = bytes.Clone(head)
	}
	e, err := decodeHead(head[:headLen], doc, want)
	if err != nil {
		return nil, err
	}
	e.file.path, e.file.tailOff = path, headLen
	if len(head) >= headLen+e.file.tailLen {
		// The whole tail came with the head (a small document).
		tail := head[headLen : headLen+e.file.tailLen]
		if crc32.ChecksumIEEE(tail) == e.file.tailCRC {
			e.file.tail = unsafe.String(unsafe.SliceData(tail), len(tail))
		}
	}
	return e, nil
}

// decodeHead decodes the head of an entry and checks that it is the one of
// doc and want. The entry's strings share b: b must not be modified
// afterwards.
func decodeHead(b []byte, doc string, want []string) (*cacheEntry, error) {
	body := b[len(entryMagic)+4 : len(b)-4]
	if crc32.ChecksumIEEE(body) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errEntry
	}
	// The strings of the entry are substrings of body, shared rather than
	// copied.
	r := &entryReader{s: unsafe.String(unsafe.SliceData(body), len(body))}
	if r.str() != loaderVersion || r.str() != doc {
		return nil, errEntry
	}
	e := &cacheEntry{file: &entryFile{}}
	nw := r.count(1)
	if nw != len(want) {
		return nil, errEntry
	}
	e.want = want
	for _, w := range want {
		if r.str() != w {
			return nil, errEntry
		}
	}
	// The number of operations and their indexes are not bounded by the
	// head's size (a large document without operationIds has a small head).
	e.n = r.tailInt()
	if e.n > maxEntryOperations {
		// Only a forged entry gets here (the checksum holds): refuse it
		// rather than allocate for it.
		return nil, errEntry
	}
	ns := r.count(5)
	e.sel, e.selOps, e.selFirst = make([]int, ns), make([]outlineOp, ns), make([]bool, ns)
	for k := range ns {
		i := r.tailInt()
		e.selOps[k] = outlineOp{Path: r.str(), Method: r.str(), ID: r.str()}
		if r.err != nil || i >= e.n || r.off >= len(r.s) || (k > 0 && i <= e.sel[k-1]) {
			return nil, errEntry
		}
		e.sel[k], e.selFirst[k] = i, r.s[r.off] == 1
		r.off++
	}
	e.ids = r.strs()
	if nw := r.count(2); nw > 0 {
		e.warnings = make([]Warning, nw)
		for k := range e.warnings {
			e.warnings[k] = Warning{Message: r.str(), Pointer: r.str()}
		}
	}
	ta, tb := r.span()
	if r.err != nil {
		return nil, r.err
	}
	e.treeJSON = r.s[ta:tb]
	tree, err := decodeJSON(e.treeJSON)
	if e.tree, _ = tree.(map[string]any); err != nil || e.tree == nil {
		return nil, errEntry
	}
	if nc := r.count(8); nc > 0 {
		e.comps = make([]rawComp, nc)
		for k := range e.comps {
			e.comps[k] = rawComp{sec: r.str(), name: r.str(), at: r.piece()}
		}
	}
	e.outline = r.piece()
	e.file.tailLen = r.tailInt()
	e.file.tailCRC = r.u32()
	if r.err != nil || r.off != len(r.s) {
		return nil, errEntry
	}
	for _, c := range e.comps {
		if c.at.off+c.at.n > e.file.tailLen {
			return nil, errEntry
		}
	}
	if e.outline.off+e.outline.n > e.file.tailLen {
		return nil, errEntry
	}
	return e, nil
}

func (r *entryReader) u32() uint32 {
	if r.err != nil || len(r.s)-r.off < 4 {
		r.err = errEntry
		return 0
	}
	s := r.s[r.off:]
	r.off += 4
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// tailInt reads an offset or length into the tail (not bounded by the
// head's size, as uint is).
func (r *entryReader) tailInt() int { return int(r.varint(28)) }

func (r *entryReader) piece() piece {
	return piece{off: r.tailInt(), n: r.tailInt(), crc: r.u32()}
}
