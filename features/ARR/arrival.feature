Feature: Patient arrival
  When a patient arrives for their appointment — at reception or a self
  check-in screen — the practice's system marks the appointment arrived; a
  patient who never came is marked did-not-attend. Both happen only on the
  appointment's day, only for the patient it is for, and only to an
  appointment still booked; the clinician's system, and any GP Connect
  consumer, sees the result at once. GP Connect has no arrival interaction,
  so the candidate is asked to act as its receptionist would (trigger
  actions `mark-arrived` and `mark-did-not-attend`, or the tester), and the
  result is read back through GP Connect's Read Appointment and appointment
  search (profile §27). Same-day slots come from the test data's
  sit-and-wait schedule (profile §23).

  @RFA-ARR-001 @lot2 @must @route-readback
  Rule: A booked appointment is marked arrived on its day: it reads back arrived, at a new version, otherwise as booked

    Scenario: the patient arrives
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      And the appointment "today" reads back arrived

    Scenario: a second patient arrives
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      And the appointment "today" reads back arrived

  @RFA-ARR-002 @lot2 @must @route-readback
  Rule: The arrival is visible through GP Connect at once: the appointment is arrived among the patient's appointments

    Scenario: among the patient's appointments
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today}"
      When the request is sent
      Then the Bundle holds the appointment "today" with status "arrived"

  @RFA-ARR-003 @lot2 @must @route-readback
  Rule: An arrival on another day than the appointment's is refused, and the appointment stays booked

    Scenario: an appointment still to come
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "later"
      When the candidate is asked to mark "later" arrived
      Then the candidate refused the action
      And the appointment "later" reads back unchanged

    Scenario: control: the same patient's appointment today is marked arrived
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      And the appointment "today" reads back arrived

  @RFA-ARR-004 @lot2 @must @route-readback
  Rule: An arrival names the patient: another patient's NHS number, an invalid one or none is refused, and the appointment stays booked

    Scenario: another patient
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived naming "patient10"
      Then the candidate refused the action
      And the appointment "today" reads back unchanged

    Scenario: an NHS number that fails its check digit
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived naming the NHS number "9990000175"
      Then the candidate refused the action
      And the appointment "today" reads back unchanged

    Scenario: no patient
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived naming the NHS number ""
      Then the candidate refused the action
      And the appointment "today" reads back unchanged

    Scenario: control: the appointment's own patient is marked arrived
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived naming "patient10"
      Then the candidate carried out the action
      And the appointment "today" reads back arrived

  @RFA-ARR-005 @lot2 @must @route-readback
  Rule: Only a booked appointment can be marked arrived: a cancelled one, one already arrived, or one marked did-not-attend is refused and stays as it was

    Scenario: cancelled
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given a cancellation of "today" with the reason "Cannot come"
      When the request is sent
      Then the appointment is cancelled with the reason "Cannot come"
      When the candidate is asked to mark "today" arrived
      Then the candidate refused the action
      And the appointment "today" reads back unchanged

    Scenario: arrived twice
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      And the appointment "today" reads back arrived
      When the candidate is asked to mark "today" arrived
      Then the candidate refused the action
      And the appointment "today" reads back unchanged

    Scenario: after did-not-attend
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" did-not-attend
      Then the candidate carried out the action
      And the appointment "today" reads back noshow
      When the candidate is asked to mark "today" arrived
      Then the candidate refused the action
      And the appointment "today" reads back unchanged

  @RFA-ARR-006 @lot2 @must @route-readback
  Rule: A booked appointment is marked did-not-attend on its day: it reads back noshow, at a new version, otherwise as booked

    Scenario: the patient never came
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" did-not-attend
      Then the candidate carried out the action
      And the appointment "today" reads back noshow

  @RFA-ARR-007 @lot2 @must @route-readback
  Rule: Did-not-attend is refused before the appointment's day, and for an appointment the patient arrived for

    Scenario: an appointment still to come
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "later"
      When the candidate is asked to mark "later" did-not-attend
      Then the candidate refused the action
      And the appointment "later" reads back unchanged

    Scenario: the patient arrived
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      And the appointment "today" reads back arrived
      When the candidate is asked to mark "today" did-not-attend
      Then the candidate refused the action
      And the appointment "today" reads back unchanged

    Scenario: control: an appointment of today is marked did-not-attend
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" did-not-attend
      Then the candidate carried out the action
      And the appointment "today" reads back noshow

  @RFA-ARR-008 @lot2 @must @route-readback
  Rule: An appointment marked arrived or did-not-attend cannot be cancelled through GP Connect: 422 INVALID_RESOURCE

    Scenario: cancelling after arrival
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      And the appointment "today" reads back arrived
      Given a cancellation of "today" with the reason "Changed mind"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: cancelling after did-not-attend
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" did-not-attend
      Then the candidate carried out the action
      And the appointment "today" reads back noshow
      Given a cancellation of "today" with the reason "Tidying up"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-ARR-010 @lot2 @must @route-readback
  Rule: An arrival or did-not-attend for an appointment the candidate does not hold is refused

    Scenario: arrival
      When the candidate is asked to mark the appointment id "no-such-appointment" arrived naming "patient20"
      Then the candidate refused the action

    Scenario: did-not-attend
      When the candidate is asked to mark the appointment id "no-such-appointment" did-not-attend
      Then the candidate refused the action

    Scenario: control: an appointment the candidate holds is marked arrived
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      When the candidate is asked to mark "today" arrived
      Then the candidate carried out the action
      And the appointment "today" reads back arrived
