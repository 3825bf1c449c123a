Feature: Patient arrival
  When a patient arrives for their appointment — at reception or a self
  check-in screen — the practice's system marks the appointment arrived
  and stamps the time; a patient who never came is marked did-not-attend.
  Both happen only on the appointment's day, only for the patient it is
  for, and only to an appointment still booked; the clinician's system
  sees the result at once. The operations are the profile's (§27):
  `POST [base]/Appointment/[id]/$rfa.arrive` with the patient's NHS number,
  and `POST [base]/Appointment/[id]/$rfa.didnotattend`. Same-day slots come
  from the test data's sit-and-wait schedule (profile §23).

  @RFA-ARR-001 @lot2 @must
  Rule: A booked appointment is marked arrived on its day: 200, status arrived, and the arrival time stamped by the candidate

    Scenario: the patient arrives
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request

    Scenario: a second patient arrives
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request

  @RFA-ARR-002 @lot2 @must
  Rule: The arrival is visible to the clinical system at once: the appointment reads back arrived with its time, and so it is among the patient's appointments

    Scenario: read back
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request
      And the appointment "today" reads back arrived at the stamped time

    Scenario: among the patient's appointments
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today}"
      When the request is sent
      Then the Bundle holds the appointment "today" with status "arrived"

  @RFA-ARR-003 @lot2 @must
  Rule: An arrival on another day than the appointment's is refused with 422 INVALID_RESOURCE, and the appointment stays booked

    Scenario: an appointment still to come
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "later"
      Given an arrival for "later"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "later" reads back with "status" set to "booked"

  @RFA-ARR-004 @lot2 @must
  Rule: An arrival names the patient: another patient's NHS number is refused with 422 INVALID_PARAMETER, an invalid one with 400 INVALID_NHS_NUMBER, none with 422 INVALID_PARAMETER; the appointment stays booked

    Scenario: another patient
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today" naming "patient10"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
      And the appointment "today" reads back with "status" set to "booked"

    Scenario: an NHS number that fails its check digit
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today" naming the NHS number "9990000175"
      When the request is sent
      Then the request is refused with 400 "INVALID_NHS_NUMBER"
      And the appointment "today" reads back with "status" set to "booked"

    Scenario: no patient
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today" naming the NHS number ""
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
      And nothing was stored

  @RFA-ARR-005 @lot2 @must
  Rule: Only a booked appointment can be marked arrived: a cancelled one, one already arrived, or one marked did-not-attend is refused with 422 INVALID_RESOURCE

    Scenario: cancelled
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given a cancellation of "today" with the reason "Cannot come"
      When the request is sent
      Then the appointment is cancelled with the reason "Cannot come"
      Given an arrival for "today"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: arrived twice
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request
      Given an arrival for "today"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: after did-not-attend
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      Given a did-not-attend for "today"
      When the request is sent
      Then the appointment is marked did not attend
      Given an arrival for "today"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-ARR-006 @lot2 @must
  Rule: A booked appointment is marked did-not-attend on its day: 200, status noshow, and it reads back so

    Scenario: the patient never came
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given a did-not-attend for "today"
      When the request is sent
      Then the appointment is marked did not attend
      And the appointment "today" reads back with "status" set to "noshow"

  @RFA-ARR-007 @lot2 @must
  Rule: Did-not-attend is refused with 422 INVALID_RESOURCE before the appointment's day, and for an appointment the patient arrived for

    Scenario: an appointment still to come
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "later"
      Given a did-not-attend for "later"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "later" reads back with "status" set to "booked"

    Scenario: the patient arrived
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request
      Given a did-not-attend for "today"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "today" reads back arrived at the stamped time

  @RFA-ARR-008 @lot2 @must
  Rule: An appointment marked arrived or did-not-attend cannot be cancelled: 422 INVALID_RESOURCE

    Scenario: cancelling after arrival
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request
      Given a cancellation of "today" with the reason "Changed mind"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: cancelling after did-not-attend
      Given a booking of a free slot today for "patient10"
      When the booking is sent
      Then the appointment is booked as "today"
      Given a did-not-attend for "today"
      When the request is sent
      Then the appointment is marked did not attend
      Given a cancellation of "today" with the reason "Tidying up"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-ARR-009 @lot2 @must
  Rule: Marking arrival is for the practice: a token with only read scope is refused with 400 BAD_REQUEST, a patient-scoped token with 403 ACCESS DENIED

    Scenario: read scope
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      And the JWT claim "requested_scope" is set to "patient/*.read"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

    Scenario: the patient marks themselves arrived
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given the patient "patient20" is signed in
      And an arrival for "today"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

  @RFA-ARR-010 @lot2 @must
  Rule: An arrival or did-not-attend for an appointment the candidate does not hold is refused with 404 NO_RECORD_FOUND

    Scenario: arrival
      Given an arrival for the appointment id "no-such-appointment" naming "patient20"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"

    Scenario: did-not-attend
      Given a did-not-attend for the appointment id "no-such-appointment"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"

    Scenario: control: an appointment the candidate holds is marked arrived
      Given a booking of a free slot today for "patient20"
      When the booking is sent
      Then the appointment is booked as "today"
      Given an arrival for "today"
      When the request is sent
      Then the appointment is marked arrived, stamped with the time of the request
