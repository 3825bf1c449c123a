Feature: Amending appointments and the limits of change
  A booked appointment may be amended only in its description and comment,
  only against its current version, and only while it is still to come;
  a cancellation likewise checks the version it is made against, and
  changes nothing but the status and the reason. An appointment whose
  start time has passed cannot be booked, cancelled or amended. Free slots
  say how the consultation is delivered, and a consumer can ask for one
  delivery channel. A booking answers with the appointment unless the
  consumer asks for less. (GP Connect Appointment Management: Amend, Cancel;
  provider test suite AppointmentAmend, AppointmentCancel,
  SearchForFreeSlots.)

  @RFA-ONL-018 @lot1 @must @route-national
  Rule: An amendment of the description or the comment is answered 200 with the next version, and reads back so

    Scenario Outline: the <field>
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "<field>" to "<text>"
      When the request is sent
      Then the appointment in the response has "<field>" set to "<text>" at version 2
      And the appointment "mine" reads back with "<field>" set to "<text>" at version 2

      Examples:
        | field       | text                                  |
        | description | Review of blood pressure              |
        | comment     | Please bring your home readings       |

    # Official AppointmentAmend "with Comment and Description".
    Scenario: the description and the comment at once
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "description" to "TestChangedDescription"
      And the amendment also sets "comment" to "TestChangedComment"
      When the request is sent
      Then the appointment in the response has "description" set to "TestChangedDescription" at version 2
      And the appointment in the response has "comment" set to "TestChangedComment" at version 2
      And the appointment "mine" reads back with "comment" set to "TestChangedComment" at version 2

    Scenario: read back after the amendment
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "Wheelchair access needed"
      When the request is sent
      Then the appointment in the response has "comment" set to "Wheelchair access needed" at version 2
      And the appointment "mine" reads back with "comment" set to "Wheelchair access needed" at version 2

    # Official AppointmentAmend "backwards compatibility with consumers
    # that do not send ServiceCategory and serviceType": the provider's
    # service kind, left out, is not a change.
    Scenario: an amendment that leaves out the service category and type
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "description" to "TestChangedDescription"
      And the amendment also sets "comment" to "TestChangedComment"
      And the amendment leaves out "serviceCategory"
      And the amendment leaves out "serviceType"
      When the request is sent
      Then the appointment in the response has "description" set to "TestChangedDescription" at version 2
      And the appointment in the response has "comment" set to "TestChangedComment" at version 2

  @RFA-ONL-019 @lot1 @must @route-national
  Rule: An amendment that is not an Appointment, or changes anything but the description and the comment, is refused with 422 INVALID_RESOURCE, and the appointment is unchanged

    Scenario Outline: a changed <field>
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "<field>" to <value>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "mine" reads back as booked, at version 1

      Examples:
        | field                 | value                                       |
        | start                 | "2001-01-01T09:15:00+00:00"                 |
        | end                   | "2001-01-01T09:30:00+00:00"                 |
        | slot                  | [{"reference": "Slot/no-such-slot"}]        |
        | participant.0.actor   | {"reference": "Patient/no-such-patient"}    |
        | status                | "arrived"                                   |
        | priority              | 1                                           |
        | resourceType          | "Bundle"                                    |
        | extension.0.valueReference.reference | "https://test1.supplier.thirdparty.nhs.uk/A11111/STU3/1/GPConnect/#booking-org" |

    # Official AppointmentBook "send an invalid appointment resource": an
    # empty Appointment sent as an amendment.
    Scenario: an empty Appointment
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "customComment"
      And the amendment's body is an empty Appointment
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "mine" reads back as booked, at version 1

    # Official AppointmentAmend "update cancellation reason".
    Scenario: a cancellation reason added
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "customComment"
      And the amendment also sets "extension.+" to {"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-GPConnect-AppointmentCancellationReason-1", "valueString": "double booked"}
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "mine" reads back as booked, at version 1

  @RFA-ONL-020 @lot1 @must @route-national
  Rule: An amendment needs If-Match with the current version: without it 400 BAD_REQUEST, with a stale one 409 FHIR_CONSTRAINT_VIOLATION; either way nothing changes

    Scenario: no If-Match
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "Running late" without If-Match
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And the appointment "mine" reads back as booked, at version 1

    Scenario: a stale version
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "First"
      When the request is sent
      Then the appointment in the response has "comment" set to "First" at version 2
      Given an amendment of the appointment "mine" setting "comment" to "Second" naming version 1
      When the request is sent
      Then the request is refused with 409 "FHIR_CONSTRAINT_VIOLATION"
      And the appointment "mine" reads back with "comment" set to "First" at version 2

    Scenario: a version that never was
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "Early" naming version 7
      When the request is sent
      Then the request is refused with 409 "FHIR_CONSTRAINT_VIOLATION"
      And nothing was stored

  @RFA-ONL-021 @lot1 @must @route-national
  Rule: A cancelled appointment cannot be amended: 422 INVALID_RESOURCE

    Scenario: amended after cancelling
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Not needed"
      When the request is sent
      Then the appointment is cancelled with the reason "Not needed"
      Given an amendment of the appointment "mine" setting "comment" to "Too late"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-ONL-022 @lot1 @must @route-national
  Rule: An appointment whose start time has passed cannot be booked, cancelled or amended: 422 INVALID_RESOURCE, and it stays booked

    # GP Connect Book, Amend and Cancel: an error when "the appointment
    # start dateTime is before the current date and time" — the time, not
    # the day. The test data holds a booked appointment for patient20 at
    # 00:00 UTC today, begun whenever a run is made (profile §23).
    Scenario: cancelling an appointment begun earlier today
      Given the begun appointment of "patient20" as "old"
      And a cancellation of "old" with the reason "Forgot to cancel"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "old" reads back with "status" set to "booked"

    Scenario: amending an appointment begun earlier today
      Given the begun appointment of "patient20" as "old"
      And an amendment of the appointment "old" setting "comment" to "Rewriting history"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: booking a slot of today that has begun
      Given a booking of a slot of today that has begun for "patient10"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-ONL-023 @lot1 @must @route-national
  Rule: A cancellation made against the current version is made; one against a stale version is refused with 409 FHIR_CONSTRAINT_VIOLATION and the appointment stays booked

    # Official AppointmentCancel "updated when a valid ETag value is
    # provided".
    Scenario: cancelled against the current version
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "double booked" naming version 1
      When the request is sent
      Then the appointment is cancelled with the reason "double booked"

    Scenario: cancelled against version 1 after an amendment
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "Moved room"
      When the request is sent
      Then the appointment in the response has "comment" set to "Moved room" at version 2
      Given a cancellation of "mine" with the reason "Clash" naming version 1
      When the request is sent
      Then the request is refused with 409 "FHIR_CONSTRAINT_VIOLATION"
      And the appointment "mine" reads back with "status" set to "booked"

  @RFA-ONL-041 @lot1 @must @route-national
  Rule: A cancellation that changes anything but the status and the cancellation reason is refused with 422 INVALID_RESOURCE, and the appointment stays booked

    # GP Connect Cancel an appointment: "If any content other than the
    # appointment cancellation reason or appointment status is updated the
    # server SHALL reject"; official AppointmentCancel: comment,
    # description, participants, type text, absolute references.
    Scenario Outline: a cancellation that also changes <what>
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "double booked"
      And the cancellation also sets "<field>" to <value>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And the appointment "mine" reads back as booked, at version 1

      Examples:
        | what                                | field                                 | value                                            |
        | the comment                         | comment                               | "RANDOM COMMENT"                                 |
        | the description                     | description                           | "RANDOM DESCRIPTION"                             |
        | the type                            | appointmentType                       | {"text": "RANDOM TYPE TEXT"}                     |
        | the participants                    | participant.+                         | {"actor": {"reference": "Practitioner/2"}, "status": "declined"} |
        | the booking organisation reference  | extension.0.valueReference.reference  | "https://test1.supplier.thirdparty.nhs.uk/A11111/STU3/1/GPConnect/#booking-org" |

  @RFA-ONL-024 @lot1 @should @profile-decision @route-national
  Rule: Every free slot names its delivery channel (In-person, Telephone or Video), and a searchFilter on the delivery channel returns only slots of that channel; an unknown channel is ignored

    GP Connect 1.6 makes the delivery-channel extension optional on a Slot
    (the official suite accepts none) and defines no delivery-channel
    searchFilter, so this rule is stricter than GP Connect: a profile
    decision (docs/profile.md §21).

    Scenario: every slot names its channel
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot's delivery channel is one of "In-person, Telephone, Video"

    Scenario Outline: only <channel>
      Given a free slot search with "start=ge{today+1}&end=le{today+2}&status=free&_include=Slot:schedule&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-OrganisationType-1|urgent-care&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-DeliveryChannel-2|<channel>"
      When the request is sent
      Then the Bundle holds free slots
      And every Slot's delivery channel is one of "<channel>"

      Examples:
        | channel   |
        | In-person |
        | Telephone |

    Scenario: an unknown channel is ignored, as GP Connect has unknown filters ignored
      Given a free slot search with "start=ge{today+1}&end=le{today+7}&status=free&_include=Slot:schedule&searchFilter=https://fhir.nhs.uk/STU3/CodeSystem/GPConnect-DeliveryChannel-2|Carrier-pigeon"
      When the request is sent
      Then the Bundle holds free slots

  @RFA-ONL-025 @lot1 @must @route-national
  Rule: A booking, amendment or cancellation with Prefer return=representation, or with no Prefer, answers with the Appointment in the body; an amendment or cancellation with Prefer return=minimal answers 200 without a body, and the change is made

    Scenario Outline: Prefer <prefer>
      Given a booking of a free slot for "patient20"
      And the "Prefer" header is "<prefer>"
      When the booking is sent
      Then the appointment is booked as "mine"
      And the response is a "Appointment" resource

      Examples:
        | prefer                |
        | return=representation |

    Scenario: no Prefer
      Given a booking of a free slot for "patient10"
      And the "Prefer" header is removed
      When the booking is sent
      Then the appointment is booked as "mine"
      And the response is a "Appointment" resource

    # Official AppointmentAmend and AppointmentCancel: "prefer header set
    # to representation" and "set to minimal".
    Scenario: an amendment with return=representation
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "customComment"
      And the "Prefer" header is "return=representation"
      When the request is sent
      Then the appointment in the response has "comment" set to "customComment" at version 2

    Scenario: an amendment with return=minimal
      Given a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "description" to "customDescription"
      And the "Prefer" header is "return=minimal"
      When the request is sent
      Then the response status is 200
      And the response has no body
      And the appointment "mine" reads back with "description" set to "customDescription" at version 2

    Scenario: a cancellation with return=representation
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "double booked"
      And the "Prefer" header is "return=representation"
      When the request is sent
      Then the appointment is cancelled with the reason "double booked"

    Scenario: a cancellation with return=minimal
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "double booked"
      And the "Prefer" header is "return=minimal"
      When the request is sent
      Then the response status is 200
      And the response has no body
      And the appointment "mine" reads back with "status" set to "cancelled"
