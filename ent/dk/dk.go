// Package dk validates Danish public identifiers: CVR numbers (company
// register), P-numbers (production units), kommunekoder (municipality
// codes) and institution numbers (INSTNR).
package dk

import (
	"errors"
	"fmt"
	"strings"
)

var cvrWeights = [8]int{2, 7, 6, 5, 4, 3, 2, 1}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digits checks that s is exactly n ASCII digits; what names the identifier
// in the error.
func digits(s string, n int, what string) error {
	if len(s) != n || !allDigits(s) {
		return fmt.Errorf("%s must be exactly %d digits, got %q", what, n, s)
	}
	return nil
}

// ValidateCVR checks a CVR number: 8 digits, the first not 0, and the sum
// of the digits weighted 2,7,6,5,4,3,2,1 divisible by 11.
func ValidateCVR(s string) error {
	if err := digits(s, 8, "a CVR number"); err != nil {
		return err
	}
	if s[0] == '0' {
		return errors.New("a CVR number cannot start with 0")
	}
	sum := 0
	for i, w := range cvrWeights {
		sum += int(s[i]-'0') * w
	}
	if sum%11 != 0 {
		return fmt.Errorf("%s is not a valid CVR number: the modulus-11 check fails (check the digits)", s)
	}
	return nil
}

// ValidatePNumber checks a P-number (produktionsenhedsnummer): 10 digits.
func ValidatePNumber(s string) error { return digits(s, 10, "a P-number") }

// ValidateInstitutionNumber checks an institution number (INSTNR): 6 digits.
func ValidateInstitutionNumber(s string) error {
	return digits(s, 6, "an institution number")
}

// NormaliseMunicipalityCode turns the four-digit form used by official
// address data ("0751") into the three-digit kommunekode ("751"). Other
// input is returned unchanged for ValidateMunicipalityCode to judge.
func NormaliseMunicipalityCode(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 4 && s[0] == '0' && allDigits(s) {
		return s[1:]
	}
	return s
}

// ValidateMunicipalityCode checks a kommunekode after normalisation:
// 3 digits in the range 101–860 used by the Danish municipalities.
func ValidateMunicipalityCode(s string) error {
	if err := digits(s, 3, "a municipality code"); err != nil {
		return err
	}
	if s < "101" || s > "860" {
		return fmt.Errorf("%s is not a Danish municipality code (they run from 101 to 860)", s)
	}
	return nil
}
