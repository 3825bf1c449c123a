Feature: Every access audited, the audit trail tamper-proof
  Every request — served, refused or failed — leaves an audit record with
  a sequence number, the Ssp-TraceID, the requesting practitioner and
  organisation, the interaction and the outcome. An auditor reads the trail
  as AuditEvents, searched by trace id with the scope
  system/AuditEvent.read. The harness finds its own requests there by their
  trace ids. Nothing alters the trail through the API, and reading it is
  itself audited. (Profile: docs/profile.md, "The audit trail"; GP Connect
  requires providers to audit every request with the JWT's claims.)

  @RFA-REC-034 @lot1 @must @route-extension
  Rule: Every request that is served leaves an audit record with its trace id, interaction and a success outcome

    Scenario: a recording, a read and a search
      Given a Condition for "patient20"
      When the request is sent
      Then the entry is created
      Given a read of "the entry"
      When the request is sent
      Then the response status is 200
      Given a Condition search for "patient20" with "identifier={identifier:the entry}"
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit trail holds every earlier request of this scenario with its interaction and outcome

    Scenario: an amendment and a history
      Given an Observation "weight" recorded for "patient20"
      And an amendment of "weight"
      And the entry's status is "amended"
      When the request is sent
      Then the amendment is accepted at version 2
      Given the history of "weight"
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit trail holds every earlier request of this scenario with its interaction and outcome

    Scenario: reads of the directory and the patient
      Given a patient read of "patient20"
      When the request is sent
      Then the response status is 200
      Given a metadata request
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit trail holds every earlier request of this scenario with its interaction and outcome

  @RFA-REC-035 @lot1 @must @route-extension
  Rule: Refused and failed requests are audited too, with a failure outcome and their status
    # Whatever the candidate answers, its record must say so; the refusals
    # themselves are other requirements' business.

    Scenario: a body that is not JSON
      Given a Condition for "patient20"
      And the request body is "asthma, since 2001"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit trail holds every earlier request of this scenario with its interaction and outcome

    Scenario: a token without the scope
      Given an Encounter for "patient20"
      And the JWT claim "requested_scope" is set to "patient/*.read"
      When the request is sent
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit trail holds every earlier request of this scenario with its interaction and outcome

    Scenario: an entry that is not there
      Given a Condition "asthma" recorded for "patient20"
      And a read of version 9 of "asthma"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit trail holds every earlier request of this scenario with its interaction and outcome

    Scenario: an unrelated organisation
      Given a Condition search for "patient20"
      And the request comes from the organisation "orgNotInSystem"
      When the request is sent
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit trail holds every earlier request of this scenario with its interaction and outcome

  @RFA-REC-036 @lot1 @must @route-extension
  Rule: An audit record names the requesting practitioner and organisation from the request's JWT, and when it was made

    Scenario: the default consumer
      Given a Condition for "patient20"
      When the request is sent
      Then the entry is created
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit records name the requesting practitioner and organisation

    Scenario: another practitioner
      Given an Observation for "patient20"
      And the request is made by the practitioner "practitioner2"
      When the request is sent
      Then the entry is created
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit records name the requesting practitioner and organisation

  @RFA-REC-037 @lot1 @must @route-extension
  Rule: Audit sequence numbers increase strictly in the order requests were made

    Scenario: five requests in a row
      Given a Condition "first" recorded for "patient20"
      And a read of "first"
      When the request is sent
      Then the response status is 200
      Given a read of "first"
      When the request is sent
      Then the response status is 200
      Given a read of "first"
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the audit sequence numbers follow the order of the requests

  @RFA-REC-038 @lot1 @must @route-extension
  Rule: Only the auditor scope system/AuditEvent.read reads the trail; another scope is refused with 400 BAD_REQUEST

    Scenario Outline: the trail read with <scope>
      Given a metadata request
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      And the JWT claim "requested_scope" is set to "<scope>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | scope               |
        | patient/*.read      |
        | organization/*.read |

  @RFA-REC-039 @lot1 @must @route-extension
  Rule: The audit trail cannot be altered through the API: creating, changing or deleting a record is refused and the record stays as it was

    Scenario Outline: <method> of an audit record
      Given a metadata request
      When the request is sent
      Then the response status is 200
      Given a <method> of the audit record of this scenario's first request
      When the request is sent
      Then the request is refused with an OperationOutcome
      And the audit record of this scenario's first request is unchanged

      Examples:
        | method |
        | PUT    |
        | DELETE |

    Scenario: a forged record
      Given a metadata request
      When the request is sent
      Then the response status is 200
      Given an AuditEvent create claiming this scenario's first request succeeded
      When the request is sent
      Then the request is refused with an OperationOutcome
      And the audit record of this scenario's first request is unchanged

  @RFA-REC-040 @lot1 @must @route-extension
  Rule: Reading the audit trail is itself audited

    Scenario: an audit search leaves a record
      Given a metadata request
      When the request is sent
      Then the response status is 200
      Given an audit trail search for this scenario's requests
      When the request is sent
      Then the response status is 200
      And a new audit trail search holds the earlier one
