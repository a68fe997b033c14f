package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/vigil-soc/vigil/internal/store"
)

func testResponses(t *testing.T, s store.Store) {
	a := store.Approval{ID: "apr-1", IncidentID: "inc-1", Playbook: "pb", Step: "isolate", Reason: "tier 1",
		Roles: []string{"clinical_engineering", "responder"}, Quorum: 2, Requester: "playbook:pb",
		Status: "pending", Created: base, Expires: base.Add(time.Hour), ActionIDs: []string{"act-1"}}
	if ok, err := s.InsertApproval(ctx(t), a); err != nil || !ok {
		t.Fatalf("InsertApproval = %v, %v", ok, err)
	}
	if ok, err := s.InsertApproval(ctx(t), a); err != nil || ok {
		t.Fatalf("InsertApproval again = %v, %v; want false, nil", ok, err)
	}
	got, err := s.GetApproval(ctx(t), "apr-1")
	if err != nil || got.Version != 1 || got.Quorum != 2 || !reflect.DeepEqual(got.Roles, a.Roles) {
		t.Fatalf("GetApproval = %+v, %v", got, err)
	}
	got.Decisions = append(got.Decisions, store.ApprovalDecision{Actor: "bob", Role: "responder", Decision: "approve", Time: base})
	if err := s.UpdateApproval(ctx(t), got); err != nil {
		t.Fatalf("UpdateApproval: %v", err)
	}
	stale := got // still version 1: a concurrent decision must lose
	stale.Status = "denied"
	if err := s.UpdateApproval(ctx(t), stale); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale UpdateApproval error = %v, want ErrConflict", err)
	}
	got2, _ := s.GetApproval(ctx(t), "apr-1")
	if got2.Version != 2 || got2.Status != "pending" || len(got2.Decisions) != 1 {
		t.Fatalf("after update: %+v", got2)
	}
	_, err = s.GetApproval(ctx(t), "nope")
	mustNotFound(t, "GetApproval", err)
	if err := s.UpdateApproval(ctx(t), store.Approval{ID: "nope", Version: 1}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateApproval(missing) = %v, want ErrNotFound", err)
	}

	for i := range 7 {
		act := store.Action{ID: fmt.Sprintf("act-%d", i), IncidentID: fmt.Sprintf("inc-%d", i%2), Playbook: "pb",
			Action: "scim.disable", Target: "user:jdoe", Status: []string{"queued", "succeeded"}[i%2],
			RequestedAt: base.Add(time.Duration(i) * time.Minute), Params: map[string]string{"user": "jdoe"},
			Retries: 2, Backoff: time.Second}
		if ok, err := s.InsertAction(ctx(t), act); err != nil || !ok {
			t.Fatalf("InsertAction %d = %v, %v", i, ok, err)
		}
	}
	act, err := s.GetAction(ctx(t), "act-4")
	if err != nil || act.Params["user"] != "jdoe" || act.Backoff != time.Second || !act.RequestedAt.Equal(base.Add(4*time.Minute)) {
		t.Fatalf("GetAction = %+v, %v", act, err)
	}
	act.Status, act.ExecutedAt, act.Result = "succeeded", base.Add(time.Hour), "T-1"
	if err := s.UpdateAction(ctx(t), act); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateAction(ctx(t), act); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second UpdateAction with the old version = %v, want ErrConflict", err)
	}
	checkActionPages(t, s, store.ResponseQuery{Limit: 3}, []string{"act-6", "act-5", "act-4", "act-3", "act-2", "act-1", "act-0"})
	checkActionPages(t, s, store.ResponseQuery{Status: "queued", Limit: 2}, []string{"act-6", "act-2", "act-0"})
	checkActionPages(t, s, store.ResponseQuery{IncidentID: "inc-1", Limit: 3}, []string{"act-5", "act-3", "act-1"})
	ap, err := s.ListApprovals(ctx(t), store.ResponseQuery{Status: "pending"})
	if err != nil || len(ap.Approvals) != 1 || ap.Next != "" {
		t.Fatalf("ListApprovals = %+v, %v", ap, err)
	}
}

func checkActionPages(t *testing.T, s store.Store, q store.ResponseQuery, want []string) {
	t.Helper()
	var got []string
	for range 20 {
		p, err := s.ListActions(ctx(t), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range p.Actions {
			got = append(got, a.ID)
		}
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ListActions(%+v) = %v, want %v", q, got, want)
	}
}
