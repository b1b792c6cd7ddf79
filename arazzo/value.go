package arazzo

import "github.com/arazzo-run/arazzo/expr"

func (v *Value) eval(ctx expr.Context) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch v.Kind {
	case ValueTemplate:
		return v.Template.Eval(ctx)
	case ValueArray:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			x, err := it.eval(ctx)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case ValueObject:
		out := make(map[string]any, len(v.Members))
		for _, m := range v.Members {
			x, err := m.Value.eval(ctx)
			if err != nil {
				return nil, err
			}
			out[m.Key] = x
		}
		return out, nil
	}
	return v.Literal, nil
}

// Expressions returns every runtime expression inside v, in document order.
func (v *Value) Expressions() []*expr.Expression {
	var out []*expr.Expression
	var walk func(v *Value)
	walk = func(v *Value) {
		if v == nil {
			return
		}
		switch v.Kind {
		case ValueTemplate:
			out = append(out, v.Template.Expressions()...)
		case ValueArray:
			for _, it := range v.Items {
				walk(it)
			}
		case ValueObject:
			for _, m := range v.Members {
				walk(m.Value)
			}
		}
	}
	walk(v)
	return out
}
