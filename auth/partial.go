package auth

import (
	"fmt"
	"sort"
	"strings"
)

// PartialCredentials is an operation the workflow calls whose security no
// alternative is satisfied by the credentials given, although some of the
// schemes it names have one (bearer AND apiKey required together, only the
// bearer token given). Its request goes out without credentials, since
// some APIs accept anonymous calls; the CLI warns once per operation (and
// fails instead under Options.RequireCredentials).
type PartialCredentials struct {
	Source string
	// Operation is the operationId, else "METHOD /path".
	Operation string
	// Steps are the steps calling it, in use order.
	Steps []string
	// Given are the schemes of its security that have a credential, sorted.
	Given []string
	// Needs lists, per alternative, what is missing: the --auth flags (and
	// environment variables) of the schemes without credentials.
	Needs []string
}

// String is a one-line warning, without any secret:
//
//	operation getUser of source "api" (step s1) is sent without credentials: the credentials given (bearerAuth) satisfy none of its security alternatives; it also needs --auth apiKeyAuth=KEY (or ARAZZO_AUTH_APIKEYAUTH)
func (p PartialCredentials) String() string {
	steps := ""
	if len(p.Steps) > 0 {
		steps = " (step " + strings.Join(p.Steps, ", ") + ")"
	}
	return fmt.Sprintf("operation %s of source %q%s is sent without credentials: the credentials given (%s) satisfy none of its security alternatives; it also needs %s",
		p.Operation, p.Source, steps, strings.Join(p.Given, ", "), strings.Join(p.Needs, ", or "))
}

// Partial returns the operations of the uses given to New whose security
// the credentials satisfy only in part (see PartialCredentials), one entry
// per (source, operation), in first-use order. An operation allowing
// anonymous access ({} among its alternatives), or for which no credential
// of its schemes was given at all, is not listed.
func (a *Authenticator) Partial() []PartialCredentials {
	if a == nil {
		return nil
	}
	return append([]PartialCredentials(nil), a.partial...)
}

// findPartial computes Partial for New.
func (a *Authenticator) findPartial(uses []Use) []PartialCredentials {
	var out []PartialCredentials
	idx := map[string]int{}
	for _, u := range uses {
		if u.Op == nil || u.Doc == nil || len(u.Op.Security) == 0 {
			continue
		}
		if _, ok := a.choose(u.Op, u.Source, u.Doc); ok {
			continue // satisfied, or anonymous access allowed
		}
		name := u.Op.ID
		if name == "" {
			name = u.Op.Method + " " + u.Op.Path
		}
		key := u.Source + "\x00" + name
		if i, seen := idx[key]; seen {
			if u.StepID != "" {
				out[i].Steps = appendUnique(out[i].Steps, u.StepID)
			}
			continue
		}
		var given []string
		var needs []string
		for _, alt := range u.Op.Security {
			var missing []string
			for _, s := range sortedKeys(alt) {
				if _, has := a.cred(u.Source, s); has && u.Doc.SecuritySchemes[s] != nil {
					given = appendUnique(given, s)
					continue
				}
				if sch := u.Doc.SecuritySchemes[s]; sch == nil {
					missing = append(missing, s+" (undeclared)")
				} else {
					missing = append(missing, "--auth "+s+"="+placeholder(sch)+" (or "+EnvVar(s)+")")
				}
			}
			if len(missing) > 0 {
				needs = append(needs, strings.Join(missing, " and "))
			}
		}
		if len(given) == 0 {
			continue // nothing given for it: not partial, the user chose anonymous
		}
		sort.Strings(given)
		p := PartialCredentials{Source: u.Source, Operation: name, Given: given, Needs: needs}
		if u.StepID != "" {
			p.Steps = []string{u.StepID}
		}
		idx[key] = len(out)
		out = append(out, p)
	}
	return out
}

// Combined is an operation with a security alternative that needs several
// schemes at once (OpenAPI: the schemes of one Security Requirement Object
// all apply), for `arazzo describe`: one credential is not enough for it.
type Combined struct {
	Source, StepID, Operation string
	// Alternatives are the operation's alternatives naming two schemes or
	// more, each sorted ("apiKeyAuth and bearerAuth").
	Alternatives []string
}

// CombinedSchemes lists, in use order, the uses whose operation has a
// security alternative of two schemes or more.
func CombinedSchemes(uses []Use) []Combined {
	var out []Combined
	for _, u := range uses {
		if u.Op == nil {
			continue
		}
		var alts []string
		for _, alt := range u.Op.Security {
			if len(alt) > 1 {
				alts = append(alts, strings.Join(sortedKeys(alt), " and "))
			}
		}
		if len(alts) == 0 {
			continue
		}
		name := u.Op.ID
		if name == "" {
			name = u.Op.Method + " " + u.Op.Path
		}
		out = append(out, Combined{Source: u.Source, StepID: u.StepID, Operation: name, Alternatives: alts})
	}
	return out
}
