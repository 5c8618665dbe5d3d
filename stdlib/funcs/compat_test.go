package funcs

import (
	"slices"
	"strings"
	"testing"
)

// libraryV1 pins the functions each library exposes at version 1
// (Kubernetes library_compatibility_test.go). A name may never leave a
// version; a new function comes with a new library version and its own
// entry here.
var libraryV1 = map[string]string{
	"transload.money": "money money_minor money_round decimal round minor_units currency_digits allocate split_even mul " +
		"sum_money sum_decimal abs neg is_zero convert_currency format_decimal format_money " +
		"_+_ _-_ _*_ _/_ -_ _<_ _<=_ _>_ _>=_",
	"transload.units":  "qty uom is_uom uom_name convert to_base _+_ _<_ _<=_ _>_ _>=_",
	"transload.text":   "trim normalize_space upper lower fold nfc nfkc ascii truncate pad_left pad_right replace split join digits default_if_empty substr",
	"transload.time":   "parse_time parse_rfc2822 from_epoch_millis from_epoch_seconds parse_date parse_x12_datetime format_date format_time format_x12_date format_x12_time epoch_millis in_zone",
	"transload.crypto": "hmac_sha256_base64 hmac_sha256_hex sha256_hex base64_encode base64_decode",
	"transload.lookup": "lookup lookup_value in_table",
	"transload.checks": "require",
	"transload.maps":   "merge",
}

// libraryAdded pins the functions each later version of a library added,
// by version; a library absent here is still at version 1.
var libraryAdded = map[string]map[int]string{
	"transload.text": {2: "url_escape url_path_escape"},
}

func TestLibraryCompatibility(t *testing.T) {
	seen := map[string]bool{}
	for _, lib := range All() {
		seen[lib.Name] = true
		want, ok := libraryV1[lib.Name]
		if !ok {
			t.Errorf("library %s has no pinned version 1 names", lib.Name)
			continue
		}
		latest := 1
		for v := range libraryAdded[lib.Name] {
			latest = max(latest, v)
		}
		if lib.Version != latest {
			t.Errorf("library %s is at version %d, but its names are pinned up to version %d", lib.Name, lib.Version, latest)
		}
		wantNames := strings.Fields(want)
		for v := 1; v <= lib.Version; v++ {
			if v > 1 {
				added, ok := libraryAdded[lib.Name][v]
				if !ok {
					t.Errorf("library %s has no pinned names for version %d", lib.Name, v)
				}
				wantNames = append(wantNames, strings.Fields(added)...)
			}
			var got []string
			for _, f := range lib.At(v) {
				got = append(got, f.Name)
			}
			slices.Sort(got)
			slices.Sort(wantNames)
			if !slices.Equal(got, wantNames) {
				t.Errorf("%s at version %d:\n got %v\nwant %v", lib.Name, v, got, wantNames)
			}
		}
	}
	for name := range libraryV1 {
		if !seen[name] {
			t.Errorf("library %s is pinned but not in All()", name)
		}
	}
}
