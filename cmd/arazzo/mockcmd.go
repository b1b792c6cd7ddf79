package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/arazzo-run/arazzo/mock"
	"github.com/arazzo-run/arazzo/openapi"
)

func newMockCmd(e *env) *cobra.Command {
	var port int
	var seed int64
	cmd := &cobra.Command{
		Use:   "mock OPENAPI_FILE",
		Short: "Serve an OpenAPI-driven mock of an API on 127.0.0.1",
		Long: `mock serves every operation of OPENAPI_FILE on 127.0.0.1: requests are
checked against the operation (a wiring error gets a 400 naming the problem),
and each answers with its first documented 2xx response, its body taken from
the examples or generated from the schema (deterministic for a seed).
One line per request is logged on stderr. Stop it with Ctrl-C.`,
		Args: exactArgs(1, "exactly one OPENAPI_FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if port < 0 || port > 65535 {
				return usageErrorf("--port must be between 0 and 65535, got %d", port)
			}
			doc, err := openapi.Load(e.ctx, args[0], openapi.LoadOptions{})
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			m := mock.New(doc, mock.Options{
				Seed: seed,
				Log: func(en mock.Entry) {
					line := fmt.Sprintf("%s %s -> %d (%s) %s", en.Method, en.Path, en.Status, en.OperationID, en.Duration.Round(time.Microsecond))
					if en.Problem != "" {
						line += ": " + en.Problem
					}
					fmt.Fprintln(e.stderr, line)
				},
			})
			ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				return &exitError{code: exitInvalid, err: err}
			}
			srv := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
			fmt.Fprintf(e.stderr, "mock of %s listening on http://%s\n", doc.Title, ln.Addr())
			go func() {
				<-e.ctx.Done()
				srv.Close()
			}()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return err
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&port, "port", 8080, "port to listen on (0: any free port)")
	cmd.Flags().Int64Var(&seed, "seed", 1, "seed for generated values")
	return cmd
}
