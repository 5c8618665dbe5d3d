package connectors

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/transload/transload/engine/connector"
)

// findInCollection reads the 200 answer of a find_url that queries a
// collection (find_collection = true): ERP APIs without a read by
// external key answer a filtered query with a collection, empty when
// nothing matches, rather than with 404. The collections recognised:
//
//   - a top-level JSON array;
//   - an object whose "value" is an array (OData v4: Dynamics 365,
//     Business Central);
//   - an object whose "d" holds "results", an array (OData v2: SAP
//     Gateway);
//   - an object whose "items" is an array (Oracle Fusion REST).
//
// An empty collection is "not found"; otherwise the first element is the
// document found, mapped like a delivery's answer (Ref from Location, or
// the element's "id"). An answer that is no such collection is a
// permanent INVALID_SETTING error: find_url most likely names a single
// document, or the wrong endpoint, and trying again cannot help.
func findInCollection(res *httpResult, target string) (bool, *connector.Response, error) {
	invalid := func(why string) error {
		return &connector.PermanentError{Reason: ReasonInvalidSetting, Status: res.status, Err: fmt.Errorf(
			"GET %s answered 200, but %s; with find_collection = true, find_url must query a collection: a JSON array, "+
				"or an object with \"value\" (OData v4), \"d\".\"results\" (OData v2) or \"items\" (Oracle REST) holding an array",
			redactURL(target), why)}
	}
	if len(bytes.TrimSpace(res.body)) == 0 {
		return false, nil, invalid("the answer is empty")
	}
	v, err := decodeJSON(res.body)
	if err != nil {
		return false, nil, invalid("the answer is not JSON")
	}
	items, ok := collectionItems(v)
	if !ok {
		return false, nil, invalid("the answer is " + kindName(v) + " that holds no collection")
	}
	if len(items) == 0 {
		return false, nil, nil
	}
	out := (&httpResult{status: res.status, header: res.header}).response()
	out.Status = http.StatusOK
	out.Body = items[0]
	if out.Ref == "" {
		out.Ref = refOf(items[0])
	}
	return true, out, nil
}

// collectionItems finds the array of a collection answer.
func collectionItems(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case map[string]any:
		if a, ok := x["value"].([]any); ok {
			return a, true
		}
		if d, ok := x["d"].(map[string]any); ok {
			if a, ok := d["results"].([]any); ok {
				return a, true
			}
		}
		if a, ok := x["items"].([]any); ok {
			return a, true
		}
	}
	return nil, false
}
