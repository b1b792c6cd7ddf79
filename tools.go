//go:build tools

package tools

import (
	_ "github.com/antchfx/xmlquery"
	_ "github.com/antchfx/xpath"
	_ "github.com/dlclark/regexp2"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/go-openapi/jsonpointer"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/spf13/cobra"
	_ "github.com/theory/jsonpath"
	_ "go.yaml.in/yaml/v3"
)
