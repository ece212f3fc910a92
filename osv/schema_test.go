package osv

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The OSV schema 1.7.5, validation/schema.json of ossf/osv-schema at tag
// v1.7.5 (commit 0cf04cce11454c3df832c12c1e46642eb3983ba0), byte for byte;
// Apache License 2.0 (see testdata/README.md).
const schemaFile = "testdata/osv-schema-1.7.5.json"

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

// compiledSchemas returns the schema as published ("osv") and the one
// pkgsrc records are held to ("pkgsrc"): the same with exactly two
// documented changes — the id may start with "x_" (local databases, as in
// the schema after 1.7.5) and the ecosystem may be "pkgsrc".
func compiledSchemas(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	schemaOnce.Do(func() {
		raw, err := os.ReadFile(schemaFile)
		if err != nil {
			schemaErr = err
			return
		}
		variants := map[string][]byte{"osv": raw}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			schemaErr = err
			return
		}
		defs := m["$defs"].(map[string]any)
		eco := defs["ecosystemWithSuffix"].(map[string]any)
		eco["pattern"] = strings.Replace(eco["pattern"].(string), "^(", "^(pkgsrc|", 1)
		prefix := defs["prefix"].(map[string]any)
		prefix["pattern"] = "^(x_|" + strings.TrimPrefix(prefix["pattern"].(string), "^") + ")"
		m["$id"] = "https://example.invalid/osv-schema-pkgsrc.json"
		variants["pkgsrc"], _ = json.Marshal(m)
		schemas = map[string]*jsonschema.Schema{}
		for name, b := range variants {
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
			if err != nil {
				schemaErr = err
				return
			}
			c := jsonschema.NewCompiler()
			c.AssertFormat()
			url := "https://example.invalid/" + name + ".json"
			if err := c.AddResource(url, doc); err != nil {
				schemaErr = err
				return
			}
			s, err := c.Compile(url)
			if err != nil {
				schemaErr = err
				return
			}
			schemas[name] = s
		}
	})
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	return schemas
}

// validate checks an encoded record against the schema variant.
func validate(t *testing.T, variant string, record []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(record))
	if err != nil {
		return err
	}
	return compiledSchemas(t)[variant].Validate(inst)
}

func TestSchemaRejects(t *testing.T) {
	// The schema and validator are strict enough to catch the mistakes
	// an exporter could make.
	bad := map[string]string{
		"no modified":     `{"id":"FreeBSD-VUXML-x"}`,
		"bad time":        `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02"}`,
		"bad prefix":      `{"id":"VUXML-x","modified":"2025-01-02T00:00:00Z"}`,
		"bad ecosystem":   `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"pkgsrc","name":"a"}}]}`,
		"fixed and last":  `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"FreeBSD:ports","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"},{"last_affected":"2"}]}]}]}`,
		"no introduced":   `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"FreeBSD:ports","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1"}]}]}]}`,
		"unknown field":   `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","x_note":"a"}`,
		"bad ref type":    `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","references":[{"type":"LINK","url":"https://a"}]}`,
		"relative ref":    `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","references":[{"type":"WEB","url":"a/b"}]}`,
		"two event keys":  `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"FreeBSD:ports","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0","fixed":"1"}]}]}]}`,
		"related objects": `{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","related":[{"id":"a"}]}`,
	}
	for name, rec := range bad {
		if err := validate(t, "osv", []byte(rec)); err == nil {
			t.Errorf("%s: accepted by the schema", name)
		}
	}
	good := `{"schema_version":"1.7.5","id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","upstream":["CVE-2025-1"],"affected":[{"package":{"ecosystem":"FreeBSD:kernel","name":"FreeBSD-kernel"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"last_affected":"1"}],"database_specific":{"vuxml_range":[{"le":"1"}]}}]}]}`
	if err := validate(t, "osv", []byte(good)); err != nil {
		t.Errorf("valid record rejected: %v", err)
	}
	if err := validate(t, "pkgsrc", []byte(`{"id":"x_PKGSRC-1","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"pkgsrc","name":"a"}}]}`)); err != nil {
		t.Errorf("pkgsrc record rejected by the pkgsrc variant: %v", err)
	}
}
