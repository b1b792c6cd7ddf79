package auth

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// String never shows the value: it is "SOURCE.SCHEME=***".
func (c Credential) String() string {
	return c.name() + "=***"
}

// GoString keeps %#v from printing the value too.
func (c Credential) GoString() string {
	return fmt.Sprintf("auth.Credential{Scheme:%q, Source:%q, Value:\"***\", Env:%q}", c.Scheme, c.Source, c.Env)
}

// label names the credential in errors: the name, and the variable it
// came from.
func (c Credential) label() string {
	if c.Env != "" {
		return c.name() + " (from " + c.Env + ")"
	}
	return c.name()
}

func (c Credential) name() string {
	if c.Source == "" {
		return c.Scheme
	}
	return c.Source + "." + c.Scheme
}

// ParseFlag parses the value of one --auth flag: "SCHEME=VALUE",
// "SOURCE.SCHEME=VALUE" or "SCHEME=@FILE" (the file's content, one trailing
// newline removed, so that the secret stays out of shell history). The
// first '.' of the name separates the source; New re-joins the two parts
// when a scheme name itself contains a dot and no such source exists.
// Errors never contain the value.
func ParseFlag(s string) (Credential, error) {
	name, value, ok := strings.Cut(s, "=")
	if !ok {
		// Do not echo s: it may be a secret typed without its name.
		return Credential{}, errors.New("auth: --auth wants SCHEME=VALUE or SOURCE.SCHEME=VALUE (no '=' found)")
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return Credential{}, errors.New("auth: --auth wants SCHEME=VALUE: the scheme name is empty")
	}
	c := Credential{Scheme: name}
	if src, sch, ok := strings.Cut(name, "."); ok {
		if src == "" || sch == "" {
			return Credential{}, fmt.Errorf("auth: --auth %s=...: want SOURCE.SCHEME", name)
		}
		c.Source, c.Scheme = src, sch
	}
	if strings.HasPrefix(value, "@") {
		path := value[1:]
		if path == "" {
			return Credential{}, fmt.Errorf("auth: --auth %s=@FILE: the file name is empty", name)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			// The error names the file, never its content.
			return Credential{}, fmt.Errorf("auth: --auth %s: %w", name, err)
		}
		value = string(data)
		value = strings.TrimSuffix(value, "\n")
		value = strings.TrimSuffix(value, "\r")
	}
	if value == "" {
		return Credential{}, fmt.Errorf("auth: --auth %s: the value is empty", name)
	}
	c.Value = value
	return c, nil
}

// EnvVar returns the environment variable that holds the credential of a
// scheme: ARAZZO_AUTH_ and the name upper-cased, every character other than
// A-Z and 0-9 replaced by '_' ("oAuth2ClientCredentials" ->
// ARAZZO_AUTH_OAUTH2CLIENTCREDENTIALS; "auth0.bearerAuth" ->
// ARAZZO_AUTH_AUTH0_BEARERAUTH).
func EnvVar(name string) string {
	b := []byte("ARAZZO_AUTH_")
	for _, r := range strings.ToUpper(name) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b = append(b, byte(r))
		} else {
			b = append(b, '_')
		}
	}
	return string(b)
}

// FromEnv returns the credentials found in environ (os.Environ form) for
// the names given (scheme names, or SOURCE.SCHEME), each read from
// EnvVar(name). Empty variables are ignored; when a variable appears twice,
// the last one wins, as in a shell. The result follows the order of names.
func FromEnv(environ []string, schemes []string) []Credential {
	env := make(map[string]string, len(environ))
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	var out []Credential
	seen := map[string]bool{}
	for _, name := range schemes {
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		v := env[EnvVar(name)]
		if v == "" {
			continue
		}
		c := Credential{Scheme: name, Value: v, Env: EnvVar(name)}
		if src, sch, ok := strings.Cut(name, "."); ok && src != "" && sch != "" {
			c.Source, c.Scheme = src, sch
		}
		out = append(out, c)
	}
	return out
}
