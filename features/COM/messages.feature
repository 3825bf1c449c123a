Feature: Communication between clinical and administrative users: messages
  Practice users send each other messages, optionally about a patient: a
  FHIR Communication from the requesting practitioner to one or more
  colleagues held here, carrying text (profile §34). An addressee finds it
  in their inbox and acknowledges it; no one but its sender and addressees
  can find or read it. Each scenario sends its own messages, identified
  from its trace id, so earlier runs' messages change nothing.

  @RFA-COM-001 @lot1 @must @route-extension
  Rule: A message from a practitioner to a colleague is accepted 201, in progress, with the time it was sent

    Scenario: a message about a patient
      Given a message "results" from "practitioner1" to "practitioner2" about "patient20"
      When the request is sent
      Then the message is sent

    Scenario: an administrative message about no patient
      Given a message "rota" from "practitioner2" to "practitioner3"
      When the request is sent
      Then the message is sent

  @RFA-COM-002 @lot1 @must @route-extension
  Rule: A message needs the requesting practitioner as its sender, addressees held here and text

    Scenario: sent in another practitioner's name
      Given a message "forged" from "practitioner1" to "practitioner2"
      And the message is sent by "practitioner3"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Communication.sender"
      And nothing was stored

    Scenario: addressed to no one
      Given a message "nobody" from "practitioner1" to "practitioner2"
      And the message's "recipient" is absent
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Communication.recipient"

    Scenario: addressed to a practitioner not held here
      Given a message "stranger" from "practitioner1" to "practitioner2"
      And the message's "recipient.0.reference" is "Practitioner/not-held-here"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "Communication.recipient"

    Scenario: no text
      Given a message "empty" from "practitioner1" to "practitioner2"
      And the message's "payload" is [{"contentString": "  "}]
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Communication.payload"
      And nothing was stored

  @RFA-COM-003 @lot1 @must @route-extension
  Rule: Every addressee finds the message in their inbox

    Scenario: the addressee's inbox
      Given a message "results" sent from "practitioner1" to "practitioner2" about "patient20"
      When "practitioner2" searches the inbox of "practitioner2" for "results"
      Then the inbox holds "results"

    Scenario: the second of two addressees
      Given a message "meeting" sent from "practitioner1" to "practitioner2" and "practitioner3"
      When "practitioner3" searches the inbox of "practitioner3" for "meeting"
      Then the inbox holds "meeting"

  @RFA-COM-004 @lot1 @must @route-extension
  Rule: Only a message's sender and addressees can find or read it

    Scenario: searching a colleague's inbox
      Given a message "results" sent from "practitioner1" to "practitioner2" about "patient20"
      When "practitioner3" searches the inbox of "practitioner2" for "results"
      Then the request is refused with 403 "ACCESS DENIED"

    Scenario: reading a message addressed to someone else
      Given a message "results" sent from "practitioner1" to "practitioner2" about "patient20"
      When "practitioner3" reads the message "results"
      Then the request is refused with 404 "NO_RECORD_FOUND"

    Scenario: the addressee and the sender read it
      Given a message "results" sent from "practitioner1" to "practitioner2" about "patient20"
      When "practitioner2" reads the message "results"
      Then the message "results" is answered
      And the message "results" reads back to "practitioner1" as sent

  @RFA-COM-005 @lot1 @must @route-extension
  Rule: An addressee acknowledges a message: it is completed, with the time it was received, for its sender too

    Scenario: acknowledged by the addressee
      Given a message "results" sent from "practitioner1" to "practitioner2" about "patient20"
      When "practitioner2" acknowledges the message "results"
      Then the message "results" is answered as acknowledged
      And the message "results" reads back to "practitioner1" as acknowledged

    Scenario: acknowledged by one of two addressees
      Given a message "meeting" sent from "practitioner1" to "practitioner2" and "practitioner3"
      When "practitioner3" acknowledges the message "meeting"
      Then the message "meeting" is answered as acknowledged
      And the message "meeting" reads back to "practitioner2" as acknowledged

  @RFA-COM-006 @lot1 @must @route-extension
  Rule: Only an addressee can acknowledge a message

    Scenario: the sender acknowledging their own message
      Given a message "results" sent from "practitioner1" to "practitioner2"
      When "practitioner1" acknowledges the message "results"
      Then the request is refused with 403 "ACCESS DENIED"
      And the message "results" reads back to "practitioner2" as sent

    Scenario: a practitioner it is not addressed to
      Given a message "results" sent from "practitioner1" to "practitioner2"
      When "practitioner3" acknowledges the message "results"
      Then the request is refused with 404 "NO_RECORD_FOUND"
      And the message "results" reads back to "practitioner2" as sent

  @RFA-COM-007 @lot1 @must @route-extension
  Rule: A message about a patient names a patient registered here, and a patient-scoped token cannot send practice messages

    Scenario: about a patient not registered here
      Given a message "unknown" from "practitioner1" to "practitioner2" about "patient20"
      And the message's "subject.reference" is "Patient/not-registered-here"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "Communication.subject"
      And nothing was stored

    Scenario: a patient signed in
      Given the patient "patient20" is signed in
      And a message "from a patient" from "practitioner1" to "practitioner2" about "patient20"
      When the request is sent
      Then the request is refused with 403 "ACCESS DENIED"
      And nothing was stored
