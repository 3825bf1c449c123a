Feature: Booking, reading and cancelling appointments
  A consumer books a free slot for a patient, reads the appointment back,
  and cancels it with a reason. A slot is booked once: a booked slot is no
  longer offered, a second booking of it is refused — even when two arrive
  at the same moment — and cancelling frees it. (GP Connect Appointment
  Management: Book, Read, Cancel, Retrieve; provider test suite
  AppointmentBook, AppointmentRead, AppointmentCancel,
  AppointmentRetrieve.) Bookings are for patient20 and patient10, whose
  records no other requirement reads.

  @RFA-ONL-009 @lot1 @must
  Rule: A booking of a free slot is answered 201 with a Location naming the appointment, ETag W/"1", and the appointment booked on that slot

    Scenario: a patient books a slot
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the response has the ETag W/"1"

    Scenario: return=minimal
      Given a booking of a free slot for "patient10"
      And the "Prefer" header is "return=minimal"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the response has the ETag W/"1"
      And the response has no body

  @RFA-ONL-010 @lot1 @must
  Rule: A booking without the patient, the booking organisation, status booked, or the slot's own start and end is refused with 422 INVALID_RESOURCE

    Scenario Outline: <why>
      Given a booking of a free slot for "patient20"
      And the booking's "<field>" is <change>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

      Examples:
        | why                          | field       | change                               |
        | no patient                   | participant | removed                              |
        | no booking organisation      | extension   | removed                              |
        | status proposed              | status      | set to "proposed"                    |
        | an hour later than the slot  | start       | set to "2001-01-01T10:00:00+00:00"   |
        | no slot                      | slot        | removed                              |
        | a slot that does not exist   | slot        | set to [{"reference": "Slot/no-such-slot"}] |

  @RFA-ONL-011 @lot1 @must
  Rule: A booked slot is no longer offered by the free slot search

    Scenario: after booking
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the slot of "mine" is no longer offered

  @RFA-ONL-012 @lot1 @must
  Rule: A slot is booked once: booking a booked slot is refused with 409 DUPLICATE_REJECTED

    Scenario: the same slot for another patient
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "first"
      Given a booking of the slot of "first" for "patient10"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"

  @RFA-ONL-013 @lot1 @must
  Rule: Of two bookings of one slot made at the same moment, exactly one succeeds

    Scenario: two consumers book one slot at once
      Given a booking of a free slot for "patient20"
      When the booking is sent twice at once
      Then exactly one of the two bookings succeeded and the other was refused with 409 "DUPLICATE_REJECTED"

  @RFA-ONL-014 @lot1 @must
  Rule: A booked appointment reads back with its ETag; an id the candidate does not hold is 404 NO_RECORD_FOUND

    Scenario: read after booking
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a read of the appointment "mine"
      When the request is sent
      Then the response is the appointment "mine"

    Scenario: an unknown id
      Given a read of the appointment id "no-such-appointment"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"

  @RFA-ONL-015 @lot1 @must
  Rule: A cancellation records its reason; one without a reason, or of an appointment already cancelled, is refused with 422 INVALID_RESOURCE

    Scenario: cancelled with a reason
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Patient is feeling better"
      When the request is sent
      Then the appointment is cancelled with the reason "Patient is feeling better"

    Scenario: no reason
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: cancelled twice
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Booked in error"
      When the request is sent
      Then the appointment is cancelled with the reason "Booked in error"
      Given a cancellation of "mine" with the reason "Booked in error"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

  @RFA-ONL-016 @lot1 @must
  Rule: Cancelling an appointment frees its slot

    # On a slot kept for urgent care, which no other scenario books, so no
    # other booking can take the freed slot before it is looked for.
    Scenario: booked, cancelled, offered again
      Given a booking of a free slot kept for urgent care for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Clinic closed"
      When the request is sent
      Then the appointment is cancelled with the reason "Clinic closed"
      And the slot of "mine" is again offered

  @RFA-ONL-017 @lot1 @must
  Rule: A patient's appointments are retrieved for a date range, start=ge and start=le both required; the range is honoured

    Scenario: within the range
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the Bundle includes the appointment "mine"

    Scenario: a range in the past
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a search for the appointments of "patient20" with "start=ge{today-30}&start=le{today-1}"
      When the request is sent
      Then the Bundle does not include the appointment "mine"

    Scenario Outline: <why>
      Given a search for the appointments of "patient20" with "<query>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | why              | query                           |
        | only a start     | start=ge{today}                 |
        | only an end      | start=le{today+7}               |
        | end before start | start=ge{today+7}&start=le{today} |

  @RFA-ONL-039 @lot1 @must
  Rule: A booking may take several adjacent slots of one schedule — the first slot's start, the last slot's end — and then none of them is offered; slots that do not follow one another are refused with 422 INVALID_RESOURCE

    Scenario Outline: <n> slots
      Given a booking of <n> adjacent free slots for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      And every slot of "mine" is no longer offered

      Examples:
        | n     |
        | two   |
        | three |

    Scenario: slots with a gap between them
      Given a booking of a free slot for "patient20"
      And the booking also takes a free slot that does not follow on
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
