package openapi

import (
	"os"
	"syscall"
)

// haveStamp tells whether stampOf can give a stamp here.
const haveStamp = true

// stampOf gives the stat memo's stamp of a file (statmemo.go).
func stampOf(fi os.FileInfo) (fileStamp, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || !fi.Mode().IsRegular() {
		return fileStamp{}, false
	}
	return fileStamp{dev: uint64(st.Dev), ino: uint64(st.Ino), size: st.Size, mtime: st.Mtim.Nano(), ctime: st.Ctim.Nano()}, true
}
