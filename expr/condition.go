package expr

import "errors"

// Condition is a parsed simple condition ("$statusCode == 201 && $response.body#/ok").
type Condition struct {
	text  string
	exprs []*Expression
}

// ParseCondition parses a simple condition.
func ParseCondition(s string) (*Condition, error) {
	return nil, &SyntaxError{Msg: "not implemented yet"}
}

// Eval evaluates the condition.
func (c *Condition) Eval(ctx Context) (bool, error) {
	return false, errors.New("not implemented yet")
}

// Explain describes the operand values, for failure messages:
// "$statusCode == 201: got 409".
func (c *Condition) Explain(ctx Context) string { return c.text }

// Expressions returns every runtime expression the condition refers to.
func (c *Condition) Expressions() []*Expression { return c.exprs }

// String returns the condition's source text.
func (c *Condition) String() string { return c.text }
