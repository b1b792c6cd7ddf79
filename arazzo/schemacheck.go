package arazzo

import (
	_ "embed"
	"encoding/json"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed schema/arazzo-1.0-schema-2025-10-15.json
var officialSchemaJSON []byte

const officialSchemaURL = "https://spec.openapis.org/arazzo/1.0/schema/2025-10-15"

var officialSchema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytesReader(officialSchemaJSON))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(officialSchemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(officialSchemaURL)
})

var _ = json.Marshal
