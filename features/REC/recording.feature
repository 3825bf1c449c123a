Feature: Recording clinical entries
  A clinician records problems, observations, allergies and consultations
  in the patient's record. The candidate keeps what was entered, stamps who
  recorded it and when, and refuses anything incomplete, unresolvable or
  wrongly coded, so that no bad data enters a record. The candidate is
  asked to record as its clinician would (trigger action `record-entry`,
  or the tester), and what it recorded is read back through Access Record
  Structured, as every other system sees the record: problems, allergies,
  uncategorised data and consultations (profile: docs/profile.md,
  "Recording clinical entries"; GP Connect 1.6 resource pages).

  @RFA-REC-001 @lot1 @must @route-readback
  Rule: An entry the candidate records shows in the patient's structured record, in its clinical area

    Scenario Outline: a <type>
      Given a <type> to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |

  @RFA-REC-003 @lot1 @must @route-readback
  Rule: A recorded entry reads back as it was entered: its code, status and value, its time to the second

    Scenario Outline: a resolved <type>
      Given a <type> to record for "patient20"
      And the status to record is "resolved"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

      Examples:
        | type               |
        | Condition          |
        | AllergyIntolerance |

    Scenario: a time in UTC reads back as the same instant
      Given an Encounter to record for "patient20"
      And the time to record is in UTC
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

  @RFA-REC-004 @lot1 @must @route-readback
  Rule: Every recorded entry shows who recorded it and when, to the second; and the clinician who made it

    Scenario Outline: the provenance of a <type>
      Given a <type> to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered
      And the entry shows who recorded it, and when

      Examples:
        | type               |
        | Condition          |
        | Observation        |
        | AllergyIntolerance |
        | Encounter          |

    Scenario Outline: a <type> recorded by another user than the clinician
      Given a <type> to record for "patient20"
      And the recorder to record is "practitioner3"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered
      And the entry shows who recorded it, and when

      Examples:
        | type               |
        | Condition          |
        | AllergyIntolerance |
        | Encounter          |

  @RFA-REC-005 @lot1 @must @route-readback
  Rule: An entry without its code, or with a status outside its value set, is not recorded: the candidate refuses it and the record does not show it

    Scenario Outline: a <type> without its code
      Given a <type> to record for "patient20"
      And the code to record is left out
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

      Examples:
        | type        |
        | Condition   |
        | Observation |

    Scenario: a status outside the value set
      Given a Condition to record for "patient20"
      And the status to record is "sort-of-active"
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

    Scenario: control: the same Condition, active, is recorded
      Given a Condition to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

  @RFA-REC-006 @lot1 @must @route-readback
  Rule: An entry for a patient, or by a clinician, the candidate does not hold is not recorded: the candidate refuses it

    Scenario: an unknown patient
      Given a Condition to record for "patient20"
      And the patient to record is "9990000018"
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

    Scenario Outline: a <type> by an unknown clinician
      Given a <type> to record for "patient20"
      And the clinician to record is "G99999999999"
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

      Examples:
        | type        |
        | Observation |
        | Encounter   |

    Scenario: control: a known patient and clinician
      Given an Observation to record for "patient20"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

  @RFA-REC-008 @lot1 @must @route-readback
  Rule: A SNOMED CT code that is not a well-formed concept id (6 to 18 digits, no leading zero, concept partition, Verhoeff check digit) is not recorded: the candidate refuses it

    Scenario Outline: the code <code> (<why>)
      Given a <type> to record for "patient20"
      And the code to record is "<code>"
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

      Examples:
        | type               | code        | why                             |
        | Condition          | 195967002   | wrong check digit               |
        | AllergyIntolerance | 91936004    | wrong check digit               |
        | Encounter          | 0185317003  | leading zero                    |
        | Condition          | 12345       | too short                       |
        | Observation        | 27113OO1    | letters                         |
        | Condition          | 12345013    | a description id, not a concept |

    Scenario: control: the right check digit is recorded
      Given an AllergyIntolerance to record for "patient20"
      And the code to record is "91936005"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

  @RFA-REC-009 @lot1 @must @route-readback
  Rule: An entry must be coded in SNOMED CT; one coded only in another system is not recorded: the candidate refuses it

    Scenario Outline: coded in <system>
      Given a <type> to record for "patient20"
      And the code system to record is "<system>"
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

      Examples:
        | type      | system                         |
        | Condition | http://read.info/ctv3          |
        | Encounter | http://hl7.org/fhir/sid/icd-10 |

    Scenario: control: the same consultation coded in SNOMED CT is recorded
      Given an Encounter to record for "patient20"
      And the code system to record is "http://snomed.info/sct"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

  @RFA-REC-010 @lot1 @must @route-readback
  Rule: A measurement's unit is UCUM and measures what its code measures; otherwise it is not recorded: the candidate refuses it

    Scenario Outline: a body weight in <code> (<why>)
      Given an Observation to record for "patient20"
      And the unit to record is "<code>"
      And the unit system to record is "<system>"
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

      Examples:
        | code   | system                    | why                    |
        | kgs    | http://unitsofmeasure.org | not a UCUM unit        |
        | kg     | http://snomed.info/sct    | not the UCUM system    |
        | cm     | http://unitsofmeasure.org | a length, not a mass   |
        | mm[Hg] | http://unitsofmeasure.org | a pressure, not a mass |

    Scenario: a body weight in pounds is a mass
      Given an Observation to record for "patient20"
      And the value to record is "160"
      And the unit to record is "[lb_av]"
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered

  @RFA-REC-011 @lot1 @must @route-readback
  Rule: An entry dated in the future is not recorded: the candidate refuses it

    Scenario Outline: a <type> in the future
      Given a <type> to record for "patient20"
      And the time to record is in the future
      When the candidate is asked to record the entry
      Then the candidate refused the action
      And the structured record of "patient20" does not show the entry

      Examples:
        | type               |
        | Encounter          |
        | AllergyIntolerance |

    Scenario: control: a consultation yesterday is recorded
      Given an Encounter to record for "patient20"
      And the time to record is yesterday
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered
