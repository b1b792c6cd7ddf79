//go:build unix

// Command benchproc runs a command several times and prints the median
// wall time, CPU time (user + system) and peak RSS of the process, for
// scripts/bench.sh. /usr/bin/time reports in 10 ms steps, too coarse for a
// 30 ms run; this reads the clock around each run and the kernel's rusage
// of the child (microseconds, kilobytes).
//
//	benchproc -n 11 -name "run, warm" [-clear DIR] -- arazzo run ...
//
// -clear removes DIR before every run (a cold cache each time). The
// command's stdout is discarded; a run that fails stops everything with
// the command's stderr.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"syscall"
	"time"
)

func main() {
	n := flag.Int("n", 11, "runs")
	name := flag.String("name", "", "label of the figures")
	clear := flag.String("clear", "", "directory removed before each run")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: benchproc [-n runs] [-name label] [-clear dir] -- command args...")
		os.Exit(2)
	}
	var wall, cpu, rss []float64
	for range *n {
		if *clear != "" {
			os.RemoveAll(*clear)
		}
		w, c, r, err := runOnce(args)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", *name, err)
			os.Exit(1)
		}
		wall, cpu, rss = append(wall, w), append(cpu, c), append(rss, r)
	}
	fmt.Printf("%-28s median of %2d: %7.1f ms wall  %7.1f ms cpu  %6.1f MiB max RSS\n",
		*name, *n, median(wall), median(cpu), median(rss))
}

// runOnce returns wall and CPU milliseconds and peak RSS in MiB.
func runOnce(args []string) (wall, cpu, rss float64, err error) {
	cmd := exec.Command(args[0], args[1:]...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err = cmd.Run()
	wall = float64(time.Since(start).Microseconds()) / 1e3
	if err != nil {
		return 0, 0, 0, fmt.Errorf("%v\n%s", err, stderr.Bytes())
	}
	st := cmd.ProcessState
	cpu = float64((st.UserTime() + st.SystemTime()).Microseconds()) / 1e3
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	return wall, cpu, rss, nil
}

func median(v []float64) float64 {
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}
