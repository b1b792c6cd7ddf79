package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// requestTimeoutError is a request that got no complete response within
// Options.RequestTimeout. Its message names the limit instead of Go's bare
// "context deadline exceeded"; errors.Is(err, context.DeadlineExceeded)
// still holds.
type requestTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *requestTimeoutError) Error() string {
	return fmt.Sprintf("deadline exceeded: no complete response within the %s request timeout", e.timeout)
}

func (e *requestTimeoutError) Unwrap() error { return e.err }

// explainTimeout turns err into a *requestTimeoutError when the request's
// own deadline (reqCtx) expired while the run itself (r.ctx) is still
// going; a cancelled or timed-out run keeps its own error.
func (r *run) explainTimeout(reqCtx context.Context, err error) error {
	if err == nil || r.ctx.Err() != nil || !errors.Is(reqCtx.Err(), context.DeadlineExceeded) {
		return tidyTransportError(err)
	}
	return &requestTimeoutError{timeout: r.opts.RequestTimeout, err: err}
}

// tidyTransportError drops the name of net/http's internal function that
// some connection errors carry depending on timing ("readLoopPeekFailLocked:
// remote error: tls: certificate required"): the same fault then always reads
// the same, for people and for tests. errors.Is/As still see the original.
func tidyTransportError(err error) error {
	const internal = "readLoopPeekFailLocked: "
	if err == nil || !strings.Contains(err.Error(), internal) {
		return err
	}
	return &tidyError{msg: strings.ReplaceAll(err.Error(), internal, ""), err: err}
}

type tidyError struct {
	msg string
	err error
}

func (e *tidyError) Error() string { return e.msg }
func (e *tidyError) Unwrap() error { return e.err }

// explainBody adds to an output's evaluation error that the response body
// claimed to be JSON and is not: "JSON pointer /id: value not found" alone
// sends people looking for a missing field.
func explainBody(resp *respState, err error) error {
	if err == nil || resp == nil || len(resp.raw) == 0 || !isJSON(mediaType(resp.ctype)) {
		return err
	}
	var v any
	jerr := json.Unmarshal(resp.raw, &v)
	if jerr == nil {
		return err
	}
	return fmt.Errorf("%w (the response body is not valid JSON, although its Content-Type is %s: %v)", err, resp.ctype, jerr)
}
