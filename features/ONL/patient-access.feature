Feature: Patients online: a patient sees and books only their own
  A practice's patients use online services to find and book appointments,
  read their record summary and ask for repeat prescriptions. They sign in
  with NHS login (profile §25): the app sends the ID token NHS login signed
  for the practice's online services, and the practice verifies it against
  the keys NHS login publishes and acts for the patient its nhs_number
  names, identity proofed to P9. With it a patient reaches their own
  appointments and record summary and nothing else, and a refusal never
  tells them whether another patient exists. The harness hosts NHS login.
  (RFA: patients online — book appointments and request repeat
  prescriptions; NHS login's identity proofing levels.)

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
  Rule: A patient is signed in only by an ID token that NHS login signed for the practice's online services and that is still current, else 401 with a Bearer invalid_token challenge; and only when proofed to P9, else 403 ACCESS DENIED
    NHS login's interface specification and OpenID Connect Core 3.1.3.7 give
    what a relying party verifies: the RS512 signature by a key NHS login
    publishes (found by kid), the issuer, its own client id in aud, and exp.
    NHS login rotates its keys: a practice fetches them again when a token
    names a key it does not hold. The hosted NHS login's issuer is printed
    at the start of a run; the client id is [jwt] nhs_login_client_id.

    Scenario: identity proofed to P5 only
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      And the JWT claim "identity_proofing_level" is set to "P5"
      And the JWT claim "vot" is set to "P5.Cp.Cd"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: signed by a key NHS login never published
      Given the patient "patient20" is signed in
      And the patient's ID token is signed by a key NHS login never published
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused as not signed in

    Scenario: naming a key NHS login never published
      Given the patient "patient20" is signed in
      And the patient's ID token names a key NHS login never published
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused as not signed in

    Scenario: not signed
      Given the patient "patient20" is signed in
      And the patient's ID token is not signed
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused as not signed in

    Scenario: signed with HS512, NHS login's public key as the secret
      Given the patient "patient20" is signed in
      And the patient's ID token is signed with HS512, NHS login's public key as the secret
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused as not signed in

    Scenario: issued by another NHS login
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      And the JWT claim "iss" is set to "https://auth.sandpit.signin.nhs.uk"
      When the request is sent
      Then the request is refused as not signed in

    Scenario: issued to another client
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      And the JWT claim "aud" is set to "another-online-service"
      When the request is sent
      Then the request is refused as not signed in

    Scenario: expired
      Given the patient "patient20" is signed in
      And the patient's ID token expired an hour ago
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the request is refused as not signed in

    Scenario: after NHS login rotates its signing key
      Given the patient "patient20" is signed in
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the response status is 200
      Given NHS login rotates its signing key
      And a search for the appointments of "patient20" with "start=ge{today}&start=le{today+14}"
      When the request is sent
      Then the response status is 200
