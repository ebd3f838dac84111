package dk

import "testing"

func TestValidateCVR(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"13585628", true},  // 143 = 11 × 13, the digest's example
		{"29189846", true},  // 187 = 11 × 17
		{"13585627", false}, // wrong check digit
		{"1358562", false},  // 7 digits
		{"135856281", false},
		{"1358562A", false}, // a letter
		{"03585628", false}, // leading zero
		{"", false},
		{"1358 628", false},
	} {
		if err := ValidateCVR(tc.in); (err == nil) != tc.ok {
			t.Errorf("ValidateCVR(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestMunicipalityCode(t *testing.T) {
	for _, tc := range []struct {
		in, norm string
		ok       bool
	}{
		{"751", "751", true},
		{"0751", "751", true},
		{"101", "101", true},
		{"860", "860", true},
		{"861", "861", false},
		{"075", "075", false},
		{"75", "75", false},
		{"1751", "1751", false},
		{"7a1", "7a1", false},
	} {
		n := NormaliseMunicipalityCode(tc.in)
		if n != tc.norm {
			t.Errorf("Normalise(%q) = %q, want %q", tc.in, n, tc.norm)
		}
		if err := ValidateMunicipalityCode(n); (err == nil) != tc.ok {
			t.Errorf("ValidateMunicipalityCode(%q) = %v, want ok=%v", n, err, tc.ok)
		}
	}
}

func TestDigits(t *testing.T) {
	if ValidatePNumber("1003388394") != nil || ValidatePNumber("100338839") == nil {
		t.Error("P-number")
	}
	if ValidateInstitutionNumber("280727") != nil || ValidateInstitutionNumber("28072x") == nil {
		t.Error("institution number")
	}
}
