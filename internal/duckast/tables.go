package duckast

import "strings"

// TableRef is a BASE_TABLE reference in a query: a name in FROM or JOIN.
type TableRef struct {
	Node                         Node
	Catalog, Schema, Name, Alias string
	Offset                       int // byte offset of the reference in the parsed text, -1 if unknown
	// CTE: the name is one of the query's own CTEs where it stands, so it
	// does not read a table. Scoped as DuckDB binds them: a CTE's body
	// sees the CTEs defined before it (and itself only if recursive), the
	// query sees all of them, an inner query's CTEs shadow outer ones.
	CTE bool
}

// Tables lists the BASE_TABLE references under n (a Statement's JSON, a
// query node or any part of one), in the order of their offsets' walk.
func Tables(n any) []TableRef {
	var out []TableRef
	tables(n, nil, &out)
	return out
}

func tables(n any, scope map[string]bool, out *[]TableRef) {
	switch v := n.(type) {
	case []any:
		for _, x := range v {
			tables(x, scope, out)
		}
	case Node:
		if Str(v, "type") == "BASE_TABLE" {
			r := TableRef{Node: v, Catalog: Str(v, "catalog_name"), Schema: Str(v, "schema_name"),
				Name: Str(v, "table_name"), Alias: Str(v, "alias"), Offset: Location(v)}
			r.CTE = r.Catalog == "" && r.Schema == "" && scope[strings.ToLower(r.Name)]
			*out = append(*out, r)
		}
		inner := scope
		if cm := Obj(v, "cte_map"); cm != nil {
			entries := List(cm, "map")
			inner = copyScope(scope)
			for _, e := range entries {
				entry, _ := e.(Node)
				name := strings.ToLower(Str(entry, "key"))
				body := Obj(Obj(entry, "value"), "query")
				bodyScope := inner
				if Str(Obj(body, "node"), "type") == "RECURSIVE_CTE_NODE" {
					bodyScope = copyScope(inner)
					bodyScope[name] = true
				}
				tables(body, bodyScope, out)
				inner = copyScope(inner)
				inner[name] = true
			}
		}
		for _, k := range sortedKeys(v) {
			if k == "cte_map" {
				continue
			}
			tables(v[k], inner, out)
		}
	}
}

func copyScope(s map[string]bool) map[string]bool {
	c := make(map[string]bool, len(s)+1)
	for k := range s {
		c[k] = true
	}
	return c
}
