Feature: Patients online: a patient sees and books only their own
  A practice's patients use online services to find and book appointments,
  read their record summary and ask for repeat prescriptions. The app they
  use sends a patient-scoped token (profile §25): no practitioner, the
  patient named in requesting_patient, reason_for_request patientaccess,
  identity proofed to P9. With it a patient reaches their own appointments
  and record summary and nothing else, and a refusal never tells them
  whether another patient exists. (RFA: patients online — book appointments
  and request repeat prescriptions; NHS login's identity proofing levels.)

  @RFA-ONL-026 @lot1 @must @route-national
  Rule: A signed-in patient books their own appointment, finds it among their appointments and reads it

    Scenario: booking
      Given the patient "patient20" is signed in
      And a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"

    Scenario: their appointments
      Given the patient "patient20" is signed in
      And a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the Bundle includes the appointment "mine"

    Scenario: one appointment
      Given the patient "patient10" is signed in
      And a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a read of the appointment "mine"
      When the request is sent
      Then the response is the appointment "mine"

  @RFA-ONL-027 @lot1 @must @route-national
  Rule: A signed-in patient cancels or amends their own appointment

    Scenario: cancelling
      Given the patient "patient20" is signed in
      And a booking of a free slot for "patient20"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given a cancellation of "mine" with the reason "Feeling better"
      When the request is sent
      Then the appointment is cancelled with the reason "Feeling better"

    Scenario: amending the comment
      Given the patient "patient10" is signed in
      And a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "mine"
      Given an amendment of the appointment "mine" setting "comment" to "I may be ten minutes late"
      When the request is sent
      Then the appointment in the response has "comment" set to "I may be ten minutes late" at version 2

  @RFA-ONL-028 @lot1 @must @route-national
  Rule: Another patient's appointments, bookings and record are refused with 403 ACCESS DENIED

    Scenario: another patient's appointments
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient10" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: booking for another patient
      Given the patient "patient20" is signed in
      And a booking of a free slot for "patient10"
      When the booking is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

    Scenario: reading another patient's appointment
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "theirs"
      Given the patient "patient20" is signed in
      And a read of the appointment "theirs"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: cancelling another patient's appointment
      Given a booking of a free slot for "patient10"
      When the booking is sent
      Then the appointment is booked as "theirs"
      Given the patient "patient20" is signed in
      And a cancellation of "theirs" with the reason "Not mine"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      Given the patient signs out
      Then the appointment "theirs" reads back with "status" set to "booked"

    Scenario: another patient's record summary
      Given the patient "patient20" is signed in
      And a structured record request for "patient2"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

  @RFA-ONL-029 @lot1 @must @route-national
  Rule: The refusal is the same 403 ACCESS DENIED for a patient or appointment the candidate does not hold, so a patient cannot learn who else is registered

    Scenario: appointments of a patient id nobody has
      Given the patient "patient20" is signed in
      And a search for the appointments of the patient id "no-such-patient" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: the record of an NHS number nobody has
      Given the patient "patient20" is signed in
      And a structured record request for "patientNotInSystem"
      And the parameter "includeAllergies" with "includeResolvedAllergies" = false
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: an appointment id nobody has
      Given the patient "patient20" is signed in
      And a read of the appointment id "no-such-appointment"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

  @RFA-ONL-030 @lot1 @must @route-national
  Rule: A signed-in patient reads their own record summary: allergies and medications

    Scenario Outline: their <part>
      Given the patient "patient2" is signed in
      And a structured record request for "patient2"
      And the parameter "<parameter>" with "<part_name>" = <value>
      When the request is sent
      Then the response is a structured record Bundle for "patient2"

      Examples:
        | part        | parameter         | part_name                | value |
        | allergies   | includeAllergies  | includeResolvedAllergies | false |
        | medications | includeMedication | includePrescriptionIssues | false |

  @RFA-ONL-031 @lot1 @must @route-national
  Rule: The record summary is all a patient reads: any other part of the record is refused with 403 ACCESS DENIED

    Scenario Outline: <parameter>
      Given the patient "patient2" is signed in
      And a structured record request for "patient2"
      And the parameter "<parameter>"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

      Examples:
        | parameter              |
        | includeProblems        |
        | includeConsultations   |
        | includeImmunisations   |
        | includeInvestigations  |

  @RFA-ONL-032 @lot1 @must @route-extension
  Rule: A patient-scoped token is refused with 403 ACCESS DENIED for what only the practice does: recording, the audit trail, finding patients, registering

    Scenario: recording a Condition in their own record
      Given the patient "patient20" is signed in
      And a Condition for "patient20"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored

    Scenario: reading the audit trail
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: finding a patient
      Given the patient "patient20" is signed in
      And a patient search for the NHS number of "patient10"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: registering a patient
      Given the patient "patient20" is signed in
      And a registration of "pool1"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

  @RFA-ONL-033 @lot1 @must @route-national
  Rule: A patient-scoped token needs identity proofed to P9 (else 403 ACCESS DENIED), requesting_patient with an NHS number (else 422 INVALID_RESOURCE) and reason_for_request patientaccess (else 400 BAD_REQUEST)

    Scenario: identity proofed to P5 only
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      And the JWT claim "identity_proofing_level" is set to "P5"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: requesting_patient without an NHS number
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      And the JWT claim "requesting_patient" has the field "identifier" removed
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

    Scenario: reason_for_request directcare
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      And the JWT claim "reason_for_request" is set to "directcare"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
