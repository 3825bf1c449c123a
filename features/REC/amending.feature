Feature: Amending clinical entries without losing anything
  An entry is amended by sending it back whole with If-Match naming the
  version the clinician saw. A stale version is refused, so two clinicians
  working on one entry cannot silently overwrite each other; every version
  is kept and can be read; an entry never moves to another patient; and
  nothing is deleted — a mistake is marked entered-in-error, which keeps
  its history. (Profile: docs/profile.md, "Amending clinical entries";
  GP Connect's own rules for amending appointments: If-Match, 409
  FHIR_CONSTRAINT_VIOLATION for a stale version.)

  @RFA-REC-013 @lot1 @must @route-extension
  Rule: An amendment naming the current version is accepted as a new version, and the entry reads back amended

    Scenario: a Condition resolved
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry's status is "resolved"
      When the request is sent
      Then the amendment is accepted at version 2
      And "asthma" reads back as last accepted, at version 2

    Scenario: an Observation corrected
      Given an Observation "weight" recorded for "patient20"
      And an amendment of "weight"
      And the entry's "valueQuantity.value" is 74.1
      And the entry's status is "amended"
      When the request is sent
      Then the amendment is accepted at version 2
      And "weight" reads back as last accepted, at version 2

    Scenario: amended twice
      Given an AllergyIntolerance "penicillin" recorded for "patient20"
      And an amendment of "penicillin"
      And the entry's status is "inactive"
      When the request is sent
      Then the amendment is accepted at version 2
      Given an amendment of "penicillin"
      And the entry's status is "active"
      When the request is sent
      Then the amendment is accepted at version 3
      And "penicillin" reads back as last accepted, at version 3

  @RFA-REC-014 @lot1 @must @route-extension
  Rule: An amendment without If-Match is refused with 400 BAD_REQUEST and changes nothing

    Scenario Outline: a <type> amended without If-Match
      Given a <type> "entry" recorded for "patient20"
      And an amendment of "entry" without If-Match
      And the entry's status is "<status>"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And "entry" reads back as last accepted, at version 1

      Examples:
        | type        | status    |
        | Condition   | resolved  |
        | Encounter   | cancelled |

  @RFA-REC-015 @lot1 @must @route-extension
  Rule: An amendment naming a version that is no longer current is refused with 409 FHIR_CONSTRAINT_VIOLATION, and the newer version is kept

    Scenario Outline: a stale amendment of a <type>
      Given a <type> "entry" recorded for "patient20"
      And an amendment of "entry"
      And the entry's status is "<first>"
      When the request is sent
      Then the amendment is accepted at version 2
      Given an amendment of "entry" naming version 1
      And the entry's status is "<second>"
      When the request is sent
      Then the request is refused with 409 "FHIR_CONSTRAINT_VIOLATION"
      And "entry" reads back as last accepted, at version 2

      Examples:
        | type               | first    | second    |
        | Condition          | resolved | remission |
        | AllergyIntolerance | inactive | resolved  |

    Scenario: a version that never existed
      Given an Encounter "entry" recorded for "patient20"
      And an amendment of "entry" naming version 7
      And the entry's status is "cancelled"
      When the request is sent
      Then the request is refused with 409 "FHIR_CONSTRAINT_VIOLATION"
      And "entry" reads back as last accepted, at version 1

  @RFA-REC-016 @lot1 @must @route-extension
  Rule: Of two amendments of the same version made at once, exactly one is accepted

    Scenario: two clinicians amend one problem at the same moment
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry's status is "resolved"
      When the amendment is sent twice at once
      Then exactly one of the two amendments was accepted and the other refused with 409 "FHIR_CONSTRAINT_VIOLATION"

  @RFA-REC-017 @lot1 @must @route-extension
  Rule: Every version of an entry is kept: the history lists them newest first, and each can be read

    Scenario: the history after an amendment
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry's status is "resolved"
      When the request is sent
      Then the amendment is accepted at version 2
      Given the history of "asthma"
      When the request is sent
      Then the response is a history of "asthma" with versions 2 and 1

    Scenario: the first version read after an amendment
      Given an Observation "weight" recorded for "patient20"
      And an amendment of "weight"
      And the entry's status is "amended"
      And the entry's "valueQuantity.value" is 80
      When the request is sent
      Then the amendment is accepted at version 2
      Given a read of version 1 of "weight"
      When the request is sent
      Then the response is version 1 of "weight" as first recorded

  @RFA-REC-018 @lot1 @must @route-extension
  Rule: An amendment cannot move an entry to another patient's record (422 INVALID_RESOURCE), nor change its id

    Scenario: moved to another patient
      Given a Condition "asthma" recorded for "patient20"
      And an amendment of "asthma"
      And the entry is for "patient10"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Condition.subject"
      And "asthma" reads back as last accepted, at version 1

    Scenario: an id that is not the one in the URL
      Given an Encounter "visit" recorded for "patient20"
      And an amendment of "visit"
      And the entry's "id" is "another-id"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And "visit" reads back as last accepted, at version 1

  @RFA-REC-019 @lot1 @must @route-extension
  Rule: Entries are never deleted: DELETE is refused with an OperationOutcome and the entry remains

    Scenario Outline: deleting a <type>
      Given a <type> "entry" recorded for "patient20"
      And a deletion of "entry"
      When the request is sent
      Then the request is refused with an OperationOutcome
      And "entry" reads back as last accepted, at version 1

      Examples:
        | type               |
        | Condition          |
        | AllergyIntolerance |

  @RFA-REC-020 @lot1 @must @route-extension
  Rule: An entry marked entered-in-error keeps its history and can still be read, but no search returns it

    Scenario Outline: a <type> entered in error
      Given a <type> "mistake" recorded for "patient20"
      And an amendment of "mistake"
      And the entry is marked entered in error
      When the request is sent
      Then the amendment is accepted at version 2
      And "mistake" reads back as last accepted, at version 2
      Given a <type> "kept" recorded for "patient20"
      And a <type> search for "patient20" with "identifier={identifier:mistake},{identifier:kept}"
      When the search is sent, following next links
      Then the search results include "kept"
      And the search results do not include "mistake"

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |
