package graph_test

import (
	"testing"

	"github.com/pactreg/pactreg/ent/store"
	"github.com/pactreg/pactreg/ent/store/storetest"
)

func TestSmoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		a := newAPI(t, db)
		var out struct {
			CreateOrganisation struct{ ID, Name, MunicipalityCode string }
		}
		a.do(`mutation($in: CreateOrganisationInput!) { createOrganisation(input: $in) { id name municipalityCode } }`, &out,
			"in", map[string]any{"name": "Århus Kommune", "kind": "MUNICIPALITY", "municipalityCode": "0751", "cvr": "13585628"})
		t.Logf("%+v", out)
		var q struct{ Organisations struct{ TotalCount int } }
		a.do(`{ organisations(where: {nameContainsFold: "ÅRHUS"}) { totalCount } }`, &q)
		t.Logf("%+v", q)
		e := a.fails(`mutation($in: CreateOrganisationInput!) { createOrganisation(input: $in) { id } }`, "CONFLICT", "cvr",
			"in", map[string]any{"name": "X", "kind": "MUNICIPALITY", "cvr": "13585628"})
		t.Log(e.Message)
	})
}
