Feature: Booking, reading and cancelling appointments
  A consumer books a free slot for a patient, reads the appointment back,
  and cancels it with a reason. A slot is booked once: a booked slot is no
  longer offered, a second booking of it is refused — even when two arrive
  at the same moment — and cancelling frees it. (GP Connect Appointment
  Management: Book, Read, Cancel, Retrieve; provider test suite
  AppointmentBook, AppointmentRead, AppointmentCancel,
  AppointmentRetrieve.) Bookings are for patient20 and patient10, whose
  records no other requirement reads.

  @RFA-ONL-009 @lot1 @must @route-national
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

  @RFA-ONL-010 @lot1 @must @route-national
  Rule: A booking without the patient, the Location, the booking organisation (a contained Organization with its name and telecom), status, start, end or a slot of the practice — or with status other than booked or other times than the slot's — is refused with 422 INVALID_RESOURCE

    # GP Connect Book an appointment; official AppointmentBook: remove
    # mandatory participants, all participants, start, end, status, slot,
    # invalid slot references, booking organisation name or telecom, an
    # absolute booking organisation reference.
    Scenario Outline: <why>
      Given a booking of a free slot for "patient20"
      And the booking's "<field>" is <change>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | why                                   | field                               | change                                      |
        | no participants                       | participant                         | removed                                     |
        | no booking organisation               | extension                           | removed                                     |
        | no booking organisation name          | contained.0.name                    | removed                                     |
        | no booking organisation telecom       | contained.0.telecom                 | removed                                     |
        | an absolute booking organisation      | extension.0.valueReference.reference | set to "https://test1.supplier.thirdparty.nhs.uk/A11111/STU3/1/GPConnect/#booking-org" |
        | status proposed                       | status                              | set to "proposed"                           |
        | no status                             | status                              | removed                                     |
        | no start                              | start                               | removed                                     |
        | no end                                | end                                 | removed                                     |
        | an hour later than the slot           | start                               | set to "2001-01-01T10:00:00+00:00"          |
        | no slot                               | slot                                | removed                                     |
        | a slot that does not exist            | slot                                | set to [{"reference": "Slot/no-such-slot"}] |
        | a slot id that cannot be              | slot                                | set to [{"reference": "Slot/45555555##"}]   |
        | an absolute slot reference            | slot                                | set to [{"reference": "https://test1.supplier.thirdparty.nhs.uk/A11111/STU3/1/GPConnect/Slot/#12345"}] |

    Scenario Outline: no <kind> participant
      Given a booking of a free slot for "patient20"
      And the booking's <kind> participant is removed
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | kind     |
        | Patient  |
        | Location |

  @RFA-ONL-040 @lot1 @must @route-national
  Rule: A booking that is not an Appointment, or carries what GP Connect forbids — a reason, a specialty, an element an Appointment does not have, an identifier without a value, a participant without a status — is refused with 422 INVALID_RESOURCE

    # GP Connect Book an appointment: "SHALL return an error if reason or
    # specialty is included"; official AppointmentBook: a reason, a
    # typeCode (specialty), extra fields, identifier value null,
    # participant status null.
    Scenario Outline: <why>
      Given a booking of a free slot for "patient20"
      And the booking's "<field>" is <change>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | why                               | field                 | change                                                                                 |
        | a reason                          | reason                | set to [{"coding": [{"system": "http://snomed.info/sct", "code": "17436001"}]}]        |
        | a specialty                       | specialty             | set to [{"coding": [{"system": "http://hl7.org/fhir/stu3/valueset-c80-practice-codes", "code": "394802001"}]}] |
        | an element Appointment lacks      | rfaNotAnElement       | set to "extra"                                                                         |
        | an identifier without a value     | identifier            | set to [{"system": "https://fhir.nhs.uk/Id/gpconnect-appointment-identifier"}]         |
        | a participant without a status    | participant.0.status  | removed                                                                                |
        | a Bundle instead of an Appointment | resourceType         | set to "Bundle"                                                                        |

  @RFA-ONL-042 @lot1 @must @route-national
  Rule: A booking keeps what it was booked with: its description, its comment (absent when none was sent), its booking organisation's ODS code, name and telecom, and its delivery channel and practitioner role extensions, in the answer and when read

    # GP Connect Book an appointment: "Providers SHALL return description
    # and comment fields ... as stored"; official AppointmentBook: "with a
    # description", "with a description and comment", "with a comment",
    # "without a comment", "with Extensions"; AppointmentRead "with
    # Extensions".
    Scenario: a description and a comment
      Given a booking of a free slot for "patient20"
      And the booking's "description" is set to "customDescription"
      And the booking's "comment" is set to "CustomComment"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the appointment "mine" as answered and as read has "description" set to "customDescription"
      And the appointment "mine" as answered and as read has "comment" set to "CustomComment"

    Scenario: no comment
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the appointment "mine" as answered and as read has "comment" set to null

    # Official AppointmentRead "mandatory elements" and AppointmentRetrieve
    # "valid booking organization"; GP Connect Book: the provider "SHALL
    # store, return and display" the booking organisation.
    Scenario: the booking organisation
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the appointment "mine" as answered and as read names its booking organisation with the ODS code, name and telecom it was booked with

    Scenario: the delivery channel and the practitioner role
      Given a booking of a free slot for "patient20"
      And the booking carries the slot's delivery channel and the practitioner role "R0260"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the appointment "mine" as answered and as read carries every extension it was booked with

  @RFA-ONL-011 @lot1 @must @route-national
  Rule: A booked slot is no longer offered by the free slot search

    Scenario: after booking
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the slot of "mine" is no longer offered

  @RFA-ONL-012 @lot1 @must @route-national
  Rule: A slot is booked once: booking a booked slot is refused with 409 DUPLICATE_REJECTED

    Scenario: the same slot for another patient
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "first"
      Given a booking of the slot of "first" for "patient10"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"
      And nothing was stored

  @RFA-ONL-013 @lot1 @must @route-national
  Rule: Of two bookings of one slot made at the same moment, exactly one succeeds

    Scenario: two consumers book one slot at once
      Given a booking of a free slot for "patient20"
      When the booking is sent twice at once
      Then exactly one of the two bookings succeeded and the other was refused with 409 "DUPLICATE_REJECTED"

  @RFA-ONL-014 @lot1 @must @route-national
  Rule: A booked appointment reads back with its ETag, whichever organisation booked it; an id the candidate does not hold is 404 NO_RECORD_FOUND

    Scenario: read after booking
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a read of the appointment "mine"
      When the request is sent
      Then the response is the appointment "mine"

    # GP Connect Read an appointment: any appointment, "irrespective of
    # booking organisation"; official AppointmentRead "JWT Org Different".
    Scenario: booked by another organisation
      Given a booking of a free slot for "patient10"
      And the booking is made by the organisation "ORG2"
      When the booking is sent
      Then the appointment is booked as "theirs"
      Given a read of the appointment "theirs"
      When the request is sent
      Then the response is the appointment "theirs"

    # Official AppointmentRead "invalid appointment id": Invalid4321,
    # 8888888888 and an empty id, each 404 with an OperationOutcome.
    Scenario Outline: an unknown id <id>
      Given a read of the appointment id "<id>"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"

      Examples:
        | id                  |
        | no-such-appointment |
        | Invalid4321         |
        | 8888888888          |

    Scenario: an empty id
      Given a read of the appointment id ""
      When the request is sent
      Then the response status is 404
      And the request is refused with an OperationOutcome

  @RFA-ONL-015 @lot1 @must @route-national
  Rule: A cancellation records its reason and keeps everything else, at the next version; the reason extension with an empty reason is refused with 422 INVALID_PARAMETER; no reason extension (none, or one under another url), or an appointment already cancelled, is refused with 422 INVALID_RESOURCE

    Scenario Outline: cancelled with the reason "<reason>"
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "<reason>"
      When the request is sent
      Then the appointment is cancelled with the reason "<reason>"
      And the cancelled appointment is otherwise as it was, at the next version

      Examples:
        | reason                    |
        | Patient is feeling better |
        | test reason for cancel 2  |

    # Official AppointmentCancel "missing cancellation extension reason".
    Scenario: an empty reason
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason ""
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
      And the appointment "mine" reads back with "status" set to "booked"

    Scenario: no reason
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    # Official AppointmentCancel "invalid cancellation extension url".
    Scenario Outline: the reason under <which> url
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Too busy" under the extension url "<url>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | which     | url                                                                                               |
        | an empty  |                                                                                                   |
        | another   | http://fhir.nhs.uk/StructuraeDefinition/extension-gpconnect-appointment-cancellation-reason-1-010 |

    # Official AppointmentCancel "backwards compatibility with consumers
    # that do not send ServiceCategory and serviceType": the provider's
    # service kind, left out, is not a change.
    Scenario: a cancellation that leaves out the service category and type
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Test-Cancel-Reason"
      And the cancellation leaves out "serviceCategory"
      And the cancellation leaves out "serviceType"
      When the request is sent
      Then the appointment is cancelled with the reason "Test-Cancel-Reason"
      And the cancelled appointment is otherwise as it was, at the next version

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
      And nothing was stored

  @RFA-ONL-016 @lot1 @must @route-national
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

  @RFA-ONL-017 @lot1 @must @route-national
  Rule: A patient's appointments are retrieved for a date range of today or later — exactly one start=ge and one start=le, each a full date without a time — and the range is honoured; a range reaching into the past, a missing or other prefix, a date that is partial or has a time, or an end before the start is refused with 422 INVALID_PARAMETER; other search parameters such as _sort are accepted; a patient the candidate does not hold is 404 PATIENT_NOT_FOUND

    Scenario: within the range
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the Bundle includes the appointment "mine"

    Scenario: outside the range
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a search for the appointments of "patient20" with "start=ge{today+15}&start=le{today+20}"
      When the request is sent
      Then the Bundle does not include the appointment "mine"

    # Official AppointmentRetrieve "sending additional valid parameters".
    Scenario: sorted by date
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}&_sort=date"
      When the request is sent
      Then the Bundle includes the appointment "mine"

    # Official AppointmentRetrieve "fail due to invalid patient logical id".
    Scenario: a patient the candidate does not hold
      Given a search for the appointments of the patient id "no-such-patient" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

    # GP Connect Retrieve a patient's appointments: "SHALL return an error
    # if any part of the consumer requested search range is in the past";
    # official AppointmentRetrieve: prefixes, date formats, one parameter,
    # end before start.
    Scenario Outline: <why>
      Given a search for the appointments of "patient20" with "<query>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | why                       | query                                           |
        | a range in the past       | start=ge{today-30}&start=le{today-1}            |
        | a range begun yesterday   | start=ge{today-1}&start=le{today+7}             |
        | only a start              | start=ge{today}                                 |
        | only an end               | start=le{today+7}                               |
        | end before start          | start=ge{today+7}&start=le{today}               |
        | ge and lt                 | start=ge{today}&start=lt{today+7}               |
        | ge and ge                 | start=ge{today}&start=ge{today+7}               |
        | gt and le                 | start=gt{today}&start=le{today+7}               |
        | le and le                 | start=le{today}&start=le{today+7}               |
        | no prefixes               | start={today}&start={today+7}                   |
        | an end with a time        | start=ge{today}&start=le{today+7}T10:00:00      |
        | a start with a time       | start=ge{today}T00:00:00Z&start=le{today+7}     |
        | a partial end             | start=ge{today}&start=le2099-01                 |
        | a year only               | start=ge2099&start=le{today+7}                  |

  @RFA-ONL-039 @lot1 @must @route-national
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
      And nothing was stored

  @RFA-ONL-044 @lot1 @must @route-national
  Rule: A booked appointment — as the booking answers it, as read, amended, cancelled and retrieved — is a valid GP Connect Appointment: its profile and version, id, status, start, end, Slots, description and created; a Patient and a Location participant, every participant a Patient, Practitioner or Location that reads back; its booking organisation with a name and a telecom; no reason or specialty

    # GP Connect Appointment Management, the Appointment resource; official
    # AppointmentBook "appointment participant is valid", "location
    # reference is valid"; AppointmentRead "mandatory elements";
    # AppointmentRetrieve "bundle valid resources", "multiple appointment",
    # "valid booking organization"; AppointmentAmend and AppointmentCancel
    # validity steps.
    # Official AppointmentBook "accept header and _format parameter" (its
    # JSON rows) checks a booking's answer so; whether it is FHIR JSON is
    # RFA-ACC-014's to judge.
    Scenario Outline: as the booking answers it, asked for with Accept <accept> and _format JSON
      Given a booking of a free slot for "patient20"
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the booking is sent
      Then the appointment is booked as "mine"
      And every appointment in the response is a valid GP Connect appointment

      Examples:
        | accept                |
        | application/fhir+json |
        | application/fhir+xml  |

    Scenario: as the booking answers it, booked with the consumer's own service category and type
      Given a booking of a free slot for "patient10"
      And the booking's "serviceCategory" is set to {"text": "Test-ServiceCategory"}
      And the booking's "serviceType" is set to [{"text": "Test-ServiceType"}]
      When the booking is sent
      Then the appointment is booked as "mine"
      And every appointment in the response is a valid GP Connect appointment

    Scenario: as read
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a read of the appointment "mine"
      When the request is sent
      Then the response status is 200
      And every appointment in the response is a valid GP Connect appointment

    Scenario: as amended
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "description" to "TestChangedDescription"
      And the amendment also sets "comment" to "TestChangedComment"
      When the request is sent
      Then the appointment in the response has "comment" set to "TestChangedComment" at version 2
      And the appointment in the response has "description" set to "TestChangedDescription" at version 2
      And every appointment in the response is a valid GP Connect appointment

    Scenario: as cancelled
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Test-Cancel-Reason"
      When the request is sent
      Then the appointment is cancelled with the reason "Test-Cancel-Reason"
      And every appointment in the response is a valid GP Connect appointment

    Scenario: as retrieved, with the others of the patient
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "first"
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "second"
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the Bundle includes the appointment "first"
      And the Bundle includes the appointment "second"
      And every appointment in the response is a valid GP Connect appointment

  @RFA-ONL-045 @lot1 @should @route-national
  Rule: A booked appointment names the service of its slot — its Schedule's serviceCategory and its Slot's serviceType — whatever the booking sent, as the booking answers it, as read, cancelled and retrieved

    GP Connect's test-data pack asks for Schedule.serviceCategory and
    Slot.serviceType "if supported" (RFA-ONL-043, also @should); the
    official suite then expects a booked appointment to carry them.

    # Official AppointmentBook "expecting servicecategory / serviceType is
    # populated", "... in request but ignored", "backwards compatibility";
    # AppointmentRead, AppointmentRetrieve and AppointmentCancel "expecting
    # servicecategory / serviceType".
    Scenario: booked
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the appointment in the response names its service category
      And the appointment in the response names its service type

    Scenario: booked with the consumer's own service category and type, which it ignores
      Given a booking of a free slot for "patient10"
      And the booking's "serviceCategory" is set to {"text": "Test-ServiceCategory"}
      And the booking's "serviceType" is set to [{"text": "Test-ServiceType"}]
      When the booking is sent
      Then the appointment is booked as "mine"
      And the appointment in the response names its service category
      And the appointment in the response names its service type

    Scenario Outline: <request>
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given <request>
      When the request is sent
      Then the response status is 200
      And the appointment in the response names its service category
      And the appointment in the response names its service type

      Examples:
        | request                                                                               |
        | a read of the appointment "mine"                                                      |
        | a cancellation of "mine" with the reason "Test-Cancel-Reason"                         |
        | a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}" |
