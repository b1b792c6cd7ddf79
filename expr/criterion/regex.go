package criterion

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/arazzo-run/arazzo/expr"
)

type regexMatcher struct{ re *regexp.Regexp }

func compileRegex(s string) (matcher, error) {
	re, err := regexp.Compile(s)
	if err != nil {
		pe := &posError{msg: "invalid RE2 regular expression: " + err.Error()}
		if se, ok := err.(*syntax.Error); ok {
			pe.msg = "invalid RE2 regular expression: " + se.Code.String() + ": " + se.Expr
			if i := strings.Index(s, se.Expr); i >= 0 {
				pe.off = i
			}
			switch se.Code {
			case syntax.ErrInvalidPerlOp, syntax.ErrInvalidRepeatOp, syntax.ErrMissingRepeatArgument:
				if strings.Contains(s, "(?=") || strings.Contains(s, "(?!") || strings.Contains(s, "(?<=") || strings.Contains(s, "(?<!") {
					pe.hint = "RE2 (Go regexp) has no lookahead or lookbehind"
				}
			case syntax.ErrInvalidEscape:
				if strings.Contains(s, `\1`) || strings.Contains(s, `\k<`) {
					pe.hint = "RE2 (Go regexp) has no backreferences"
				}
			}
		}
		return nil, pe
	}
	return regexMatcher{re}, nil
}

func (m regexMatcher) match(v any) (bool, error) {
	return m.re.MatchString(expr.FormatValue(v)), nil
}

func (m regexMatcher) explain(v any) string {
	return fmt.Sprintf("%s does not match", expr.Describe(expr.FormatValue(v)))
}
