package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pactreg/pactreg/ent"
	"github.com/pactreg/pactreg/ent/apperr"
	"github.com/pactreg/pactreg/ent/appointment"
	"github.com/pactreg/pactreg/ent/dates"
	"github.com/pactreg/pactreg/ent/nominationrequest"
	"github.com/pactreg/pactreg/ent/person"
	"github.com/pactreg/pactreg/ent/rules"
	"github.com/pactreg/pactreg/ent/seatallocation"
	"github.com/pactreg/pactreg/ent/vocab"
)

// A nomination request (udpegningsbrev) moves DRAFT → SENT → NOMINATED or
// DECLINED, and can be WITHDRAWN while DRAFT or SENT. A NOMINATED request
// is confirmed once, into an appointment; its status stays NOMINATED and
// its appointment edge is set. If that appointment is cancelled before it
// starts, the request can be WITHDRAWN too (it keeps the edge).

// nominationMove is one allowed move of a request's status.
type nominationMove struct {
	// done says what the move does to a request, for the refusal:
	// "only DRAFT requests can be <done>".
	done string
	from []vocab.NominationStatus
	to   vocab.NominationStatus
}

var (
	moveSend     = nominationMove{"sent", []vocab.NominationStatus{vocab.Draft}, vocab.Sent}
	moveNominate = nominationMove{"answered with a nominee", []vocab.NominationStatus{vocab.Sent}, vocab.Nominated}
	moveDecline  = nominationMove{"declined", []vocab.NominationStatus{vocab.Sent}, vocab.Declined}
	moveWithdraw = nominationMove{"withdrawn (or a confirmed one whose appointment was cancelled)", []vocab.NominationStatus{vocab.Draft, vocab.Sent}, vocab.Withdrawn}
	// A confirmed request whose appointment was cancelled.
	moveWithdrawCancelled = nominationMove{"withdrawn", []vocab.NominationStatus{vocab.Nominated}, vocab.Withdrawn}
	// Confirming keeps the status; the appointment edge records it.
	moveConfirm = nominationMove{"confirmed", []vocab.NominationStatus{vocab.Nominated}, vocab.Nominated}
)

// nominationChange sets what a move changes besides the status.
type nominationChange func(*ent.NominationRequestUpdateOne)

// run makes the move on request id in the mutation's transaction: it
// asks the policy whether the viewer may change requests at all, reads
// the request, refuses the move unless the request is in one of the
// move's source states (BAD_USER_INPUT on id, naming its status), lets
// prepare check the move and say what else it changes, and applies it.
// The UPDATE matches only the status and version that were read, so of
// two concurrent moves on one request exactly one succeeds (and no move
// acts on dates someone changed meanwhile); the other gets CONFLICT.
func (m nominationMove) run(ctx context.Context, id int,
	prepare func(c *ent.Client, req *ent.NominationRequest) (nominationChange, error)) (*ent.NominationRequest, error) {
	c := ent.FromContext(ctx)
	if err := mayChangeNomination(ctx, c, id); err != nil {
		return nil, err
	}
	req, err := c.NominationRequest.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(m.from, req.Status) {
		from := make([]string, len(m.from))
		for i, s := range m.from {
			from[i] = string(s)
		}
		return nil, apperr.BadInput("id", "the request is %s; only %s requests can be %s",
			req.Status, strings.Join(from, " or "), m.done)
	}
	var change nominationChange
	if prepare != nil {
		if change, err = prepare(c, req); err != nil {
			return nil, err
		}
	}
	u := c.NominationRequest.UpdateOneID(req.ID).
		Where(nominationrequest.StatusEQ(req.Status), nominationrequest.VersionEQ(req.Version)).
		SetStatus(m.to)
	if change != nil {
		change(u)
	}
	saved, err := u.Save(ctx)
	if err == nil || !ent.IsNotFound(err) {
		return saved, err
	}
	now, err := c.NominationRequest.Get(ctx, req.ID)
	if err != nil {
		return nil, err // gone: NOT_FOUND
	}
	return nil, &apperr.Error{
		Code:  apperr.Conflict,
		Field: "id",
		Message: fmt.Sprintf("nomination request %d was changed by someone else meanwhile (it is now %s, version %d); reload it and try again",
			req.ID, now.Status, now.Version),
		Extensions: map[string]any{"currentStatus": string(now.Status), "currentVersion": now.Version},
	}
}

// mayChangeNomination asks the NominationRequest policy whether the viewer
// may change request id, as the update would, before anything is read or
// checked for it: one who may not change requests is told so (FORBIDDEN),
// not what is wrong with this request or its arguments.
func mayChangeNomination(ctx context.Context, c *ent.Client, id int) error {
	return nominationrequest.Policy.EvalMutation(ctx, c.NominationRequest.UpdateOneID(id).Mutation())
}

// nominationAnswerDay is the day the organisation answered req (default
// today); it cannot precede the day the request was sent.
func nominationAnswerDay(req *ent.NominationRequest, answeredOn *dates.Date) (dates.Date, error) {
	day := dates.OrToday(answeredOn)
	if req.SentOn != nil && day.Before(*req.SentOn) {
		return day, apperr.BadInput("answeredOn", "answeredOn (%s) cannot be before sentOn (%s)", day, *req.SentOn)
	}
	return day, nil
}

func sendNomination(ctx context.Context, id int, sentOn dates.Date, dueOn *dates.Date) (*ent.NominationRequest, error) {
	// The DateOrder hook refuses a due date before the sent date (dueOn).
	return moveSend.run(ctx, id, func(*ent.Client, *ent.NominationRequest) (nominationChange, error) {
		return func(u *ent.NominationRequestUpdateOne) { u.SetSentOn(sentOn).SetNillableDueOn(dueOn) }, nil
	})
}

// nominate records personID as the organisation's nominee after checking
// that they could be appointed under every rule on the term's first day
// (the term start, else the day of the answer), open-ended.
func nominate(ctx context.Context, id, personID int, answeredOn *dates.Date) (*ent.NominationRequest, error) {
	return moveNominate.run(ctx, id, func(c *ent.Client, req *ent.NominationRequest) (nominationChange, error) {
		day, err := nominationAnswerDay(req, answeredOn)
		if err != nil {
			return nil, err
		}
		if ok, err := c.Person.Query().Where(person.ID(personID)).Exist(ctx); err != nil {
			return nil, err
		} else if !ok {
			return nil, apperr.New(apperr.NotFound, "personID", "there is no person %d", personID)
		}
		startsOn := day
		if req.TermStartsOn != nil {
			startsOn = *req.TermStartsOn
		}
		// Judge the appointment confirmation would make, planned the same
		// way (term end from the body, continuation of a previous term).
		cand, err := rules.Plan(ctx, c, rules.Candidate{
			PersonID:         personID,
			SeatAllocationID: req.SeatAllocationID,
			OnBehalfOfID:     req.OrganisationID,
			StartsOn:         startsOn,
		})
		if err != nil {
			return nil, err
		}
		if err := rules.CheckAppointment(ctx, c, cand); err != nil {
			return nil, err
		}
		return func(u *ent.NominationRequestUpdateOne) { u.SetNomineeID(personID).SetAnsweredOn(day) }, nil
	})
}

func declineNomination(ctx context.Context, id int, answeredOn *dates.Date) (*ent.NominationRequest, error) {
	return moveDecline.run(ctx, id, func(_ *ent.Client, req *ent.NominationRequest) (nominationChange, error) {
		day, err := nominationAnswerDay(req, answeredOn)
		return func(u *ent.NominationRequestUpdateOne) { u.SetAnsweredOn(day) }, err
	})
}

func withdrawNomination(ctx context.Context, id int) (*ent.NominationRequest, error) {
	c := ent.FromContext(ctx)
	if err := mayChangeNomination(ctx, c, id); err != nil {
		return nil, err
	}
	cancelled, err := c.NominationRequest.Query().Where(nominationrequest.ID(id)).
		QueryAppointment().Where(appointment.EndReasonEQ(vocab.Cancelled)).Exist(ctx)
	if err != nil {
		return nil, fmt.Errorf("withdraw nomination request %d: %w", id, err)
	}
	if cancelled {
		return moveWithdrawCancelled.run(ctx, id, nil)
	}
	return moveWithdraw.run(ctx, id, nil)
}

// confirmNomination turns a NOMINATED request into an appointment of the
// nominee on behalf of the addressed organisation, starting on startsOn,
// else the term start, else today. The Appointment hooks apply every
// appointment rule.
func confirmNomination(ctx context.Context, id int, startsOn, endsOn *dates.Date) (*ent.Appointment, error) {
	var appt *ent.Appointment
	_, err := moveConfirm.run(ctx, id, func(c *ent.Client, req *ent.NominationRequest) (nominationChange, error) {
		if done, err := req.QueryAppointment().OnlyID(ctx); err == nil {
			return nil, apperr.BadInput("id", "the request is already confirmed: it became appointment %d", done)
		} else if !ent.IsNotFound(err) {
			return nil, err
		}
		if req.NomineeID == nil { // cannot happen: nominate sets it
			return nil, apperr.BadInput("id", "the request is NOMINATED but names no nominee")
		}
		if startsOn == nil {
			startsOn = req.TermStartsOn
		}
		first := dates.OrToday(startsOn)
		var err error
		appt, err = c.Appointment.Create().
			SetPersonID(*req.NomineeID).
			SetSeatAllocationID(req.SeatAllocationID).
			SetOnBehalfOfID(req.OrganisationID).
			SetStartsOn(first).
			SetNillableEndsOn(endsOn).
			Save(ctx)
		return func(u *ent.NominationRequestUpdateOne) { u.SetAppointment(appt) }, err
	})
	if err != nil {
		return nil, err
	}
	return appt, nil
}

// nominationOverdue: SENT and past its due date, as of today.
func nominationOverdue(req *ent.NominationRequest) (bool, error) {
	if req.Status != vocab.Sent || req.DueOn == nil {
		return false, nil
	}
	return req.DueOn.Before(dates.TodayInDenmark()), nil
}

// bodyNominationRequests lists the requests for the body's allocations in
// allocation order (position, then id), then by id: one statement (the
// allocation joined for its position), plus one per edge the query
// selects, eager-loaded for all the requests at once.
func bodyNominationRequests(ctx context.Context, b *ent.Body, status []vocab.NominationStatus,
	overdueOnly *bool, asOf *dates.Date) ([]*ent.NominationRequest, error) {
	// From the body's own client (the mutation's transaction when the
	// body was written in it). A request has one allocation, so the
	// traversal needs no DISTINCT, which PostgreSQL would refuse with the
	// joined ORDER BY.
	q := b.QuerySeatAllocations().QueryNominationRequests().Unique(false)
	if len(status) > 0 {
		q.Where(nominationrequest.StatusIn(status...))
	}
	if deref(overdueOnly) {
		q.Where(nominationrequest.StatusEQ(vocab.Sent), nominationrequest.DueOnLT(dates.OrToday(asOf)))
	}
	q, err := q.CollectFields(ctx)
	if err != nil {
		return nil, err
	}
	return q.Order(
		nominationrequest.BySeatAllocationField(seatallocation.FieldPosition),
		nominationrequest.BySeatAllocationID(),
		nominationrequest.ByID(),
	).All(ctx)
}
