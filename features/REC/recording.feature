Feature: Recording clinical entries
  A clinician records problems, observations, allergies and consultations
  in the patient's record. The candidate keeps what was sent, stamps who
  recorded it, for which organisation and when — from the authenticated
  request, never from the body — and refuses, with the element named,
  anything incomplete, unresolvable or wrongly coded, so that no bad data
  enters a record. (Profile: docs/profile.md, "Recording clinical entries";
  GP Connect has no write API for these, so the profile defines one in its
  style: FHIR STU3 create, GP Connect error codes.)

  @RFA-REC-001 @lot1 @must @route-extension
  Rule: A valid entry is recorded with 201 Created, a Location naming its first version, and ETag W/"1"

    Scenario Outline: a valid <type>
      Given a <type> for "patient20"
      When the request is sent
      Then the entry is created
      And the Location and ETag name version 1 of the entry
      And the response is the entry as sent, at version 1

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |

  @RFA-REC-002 @lot1 @must @route-extension
  Rule: Prefer return=minimal gets 201 with no body; return=representation, or no Prefer, gets the entry back

    Scenario: return=minimal
      Given a Condition for "patient20"
      And the "Prefer" header is "return=minimal"
      When the request is sent
      Then the entry is created
      And the Location and ETag name version 1 of the entry
      And the response has no body

    Scenario: return=representation
      Given an Observation for "patient20"
      And the "Prefer" header is "return=representation"
      When the request is sent
      Then the entry is created
      And the response is the entry as sent, at version 1

  @RFA-REC-003 @lot1 @must @route-extension
  Rule: A recorded entry reads back as it was sent, its time to the second

    Scenario Outline: a <type> read back
      Given a <type> "recorded" recorded for "patient20"
      Then "recorded" reads back as last accepted, at version 1

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |

    Scenario: a time in UTC reads back as the same instant
      Given an Encounter "late" recorded for "patient20" at "2002-12-31T23:59:59Z"
      Then "late" reads back as last accepted, at version 1

  @RFA-REC-004 @lot1 @must @route-extension
  Rule: Every recorded entry carries who recorded it, for which organisation and when, to the second, taken from the request

    Scenario Outline: the provenance of a <type>
      Given a <type> for "patient20"
      When the request is sent
      Then the entry is created
      And the entry carries the recording provenance of the request

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |

    Scenario: recorded by another practitioner than the author
      Given a Condition for "patient20"
      And the request is made by the practitioner "practitioner3"
      When the request is sent
      Then the entry is created
      And the entry carries the recording provenance of the request

    Scenario: provenance in the body is not believed
      Given an Observation for "patient20"
      And the entry's "extension" is [{"url": "https://rfa-harness.dev/fhir/StructureDefinition/recording-provenance-1", "extension": [{"url": "recorder", "valueIdentifier": {"system": "https://fhir.nhs.uk/Id/sds-user-id", "value": "FORGED"}}]}]
      When the request is sent
      Then the entry is created
      And the entry carries the recording provenance of the request

  @RFA-REC-005 @lot1 @must @route-extension
  Rule: An entry without its patient, author, time, code or status is refused with 422 INVALID_RESOURCE naming the element

    Scenario Outline: a <type> without its <part>
      Given a <type> for "patient20"
      And the entry's <part> is removed
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "<element>"
      And nothing was stored

      Examples:
        | type               | part    | element                       |
        | Condition          | author  | Condition.asserter            |
        | Observation        | author  | Observation.performer         |
        | AllergyIntolerance | author  | AllergyIntolerance.asserter   |
        | Encounter          | author  | Encounter.participant         |
        | Condition          | patient | Condition.subject             |
        | AllergyIntolerance | patient | AllergyIntolerance.patient    |
        | Observation        | time    | Observation.effectiveDateTime |
        | Encounter          | time    | Encounter.period.start        |
        | Condition          | code    | Condition.code                |
        | Observation        | status  | Observation.status            |

    Scenario: a status outside the value set
      Given a Condition for "patient20"
      And the entry's status is "sort-of-active"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Condition.clinicalStatus"
      And nothing was stored

  @RFA-REC-006 @lot1 @must @route-extension
  Rule: An entry for a patient, or by a practitioner, the candidate does not hold is refused with 422 REFERENCE_NOT_FOUND

    Scenario: an unknown patient
      Given a Condition for "patient20"
      And the entry is for the patient id "no-such-patient"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "Condition.subject"
      And nothing was stored

    Scenario: an unknown author
      Given an Observation for "patient20"
      And the entry is by the practitioner id "no-such-practitioner"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "Observation.performer"
      And nothing was stored

    Scenario: an unknown clinician at a consultation
      Given an Encounter for "patient20"
      And the entry is by the practitioner id "no-such-practitioner"
      When the request is sent
      Then the request is refused with 422 "REFERENCE_NOT_FOUND" naming "Encounter.participant"
      And nothing was stored

  @RFA-REC-007 @lot1 @must @route-extension
  Rule: A body that is not the endpoint's resource type is refused with 422 INVALID_RESOURCE, one that is not JSON with 400 BAD_REQUEST

    Scenario: an Observation sent to the Condition endpoint
      Given an Observation for "patient20"
      And the entry is sent to the Condition endpoint
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: a body that is not JSON
      Given a Condition for "patient20"
      And the request body is "asthma, since 2001"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

  @RFA-REC-008 @lot1 @must @route-extension
  Rule: A SNOMED CT code that is not a well-formed concept id (6 to 18 digits, no leading zero, concept partition, Verhoeff check digit) is refused with 422 INVALID_RESOURCE

    Scenario Outline: the code <code> (<why>)
      Given a <type> for "patient20"
      And the entry's code is "<code>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | type               | code        | why                         |
        | Condition          | 195967002   | wrong check digit           |
        | AllergyIntolerance | 91936004    | wrong check digit           |
        | Encounter          | 0185317003  | leading zero                |
        | Condition          | 12345       | too short                   |
        | Observation        | 27113OO1    | letters                     |
        | Condition          | 12345013    | a description id, not a concept |

  @RFA-REC-009 @lot1 @must @route-extension
  Rule: An entry must be coded in SNOMED CT; one coded only in another system is refused with 422 INVALID_RESOURCE

    Scenario Outline: coded in <system>
      Given a <type> for "patient20"
      And the entry's code system is "<system>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | type      | system                       |
        | Condition | http://read.info/ctv3        |
        | Encounter | http://hl7.org/fhir/sid/icd-10 |

  @RFA-REC-010 @lot1 @must @route-extension
  Rule: A measurement's unit is UCUM and measures what its code measures; otherwise 422 INVALID_RESOURCE

    Scenario Outline: a body weight in <code> (<why>)
      Given an Observation for "patient20"
      And the entry's "valueQuantity.code" is "<code>"
      And the entry's "valueQuantity.system" is "<system>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE" naming "Observation.valueQuantity"
      And nothing was stored

      Examples:
        | code   | system                      | why                        |
        | kgs    | http://unitsofmeasure.org   | not a UCUM unit            |
        | kg     | http://snomed.info/sct      | not the UCUM system        |
        | cm     | http://unitsofmeasure.org   | a length, not a mass       |
        | mm[Hg] | http://unitsofmeasure.org   | a pressure, not a mass     |

    Scenario: a body weight in pounds is a mass
      Given an Observation for "patient20"
      And the entry's "valueQuantity" is {"value": 160, "unit": "lb", "system": "http://unitsofmeasure.org", "code": "[lb_av]"}
      When the request is sent
      Then the entry is created

  @RFA-REC-011 @lot1 @must @route-extension
  Rule: An entry's time is to the second with a time zone, and not in the future; otherwise 422 INVALID_RESOURCE

    Scenario Outline: the time <time> (<why>)
      Given a <type> for "patient20"
      And the entry's time is "<time>"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | type               | time                      | why                |
        | Condition          | 2001-06-01                | a date only        |
        | Observation        | 2001-06-01T10:30+01:00    | to the minute      |
        | AllergyIntolerance | 2001-06-01T10:30:17       | no time zone       |
        | Encounter          | 2999-01-01T09:00:00Z      | in the future      |

  @RFA-REC-012 @lot1 @must @route-extension
  Rule: Recording an entry again with an identifier already in use is refused with 409 DUPLICATE_REJECTED, and only one entry exists

    Scenario Outline: a <type> sent twice
      Given a <type> "first" recorded for "patient20"
      And a <type> for "patient20"
      And the entry reuses the identifier of "first"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"
      And nothing was stored

      Examples:
        | type        |
        | Condition   |
        | Observation |

    Scenario: one entry for the identifier afterwards
      Given a Condition "first" recorded for "patient20"
      And a Condition for "patient20"
      And the entry reuses the identifier of "first"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"
      Given a Condition search for "patient20" with "identifier={identifier:first}"
      When the request is sent
      Then the response is a searchset Bundle with 1 entry
