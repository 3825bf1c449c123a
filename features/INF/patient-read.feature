Feature: Reading a patient by logical id
  Having found a patient, a consumer reads the record by its logical id. The
  read returns that patient, conformant, with an ETag naming the version
  returned; an id the system does not hold is a clean 404, never a crash.
  (GP Connect: Read a patient; provider test suite PatientRead.feature.)

  @RFA-INF-009 @lot1 @must @route-national
  Rule: Reading a patient by logical id returns that patient, conformant to CareConnect-GPC-Patient-1

    Scenario Outline: reading <patient>
      Given a patient read of "<patient>"
      When the request is sent
      Then the response is the Patient "<patient>" with the requested id
      And the response conforms to the "patient" schema
      And the Patient's managing organisation and usual GP read back

      Examples:
        | patient   |
        | patient1  |
        | patient2  |
        | patient3  |
        | patient15 |

    Scenario: the preferred branch surgery
      Given a patient read of "patient2"
      When the request is sent
      Then the response is the Patient "patient2" with the requested id
      And the Patient has its preferred branch surgery

  @RFA-INF-010 @lot1 @must @route-national
  Rule: Reading a logical id the system does not hold is refused with 404 PATIENT_NOT_FOUND

    Scenario Outline: the logical id <id>
      Given a patient read of the logical id "<id>"
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

      Examples:
        | id                                                         |
        | 00000000-0000-4000-8000-000000000000                       |
        | no-such-patient                                            |
        | SomthingIncorrectWhichIsNotTheOnProviderSystem             |
        | 4543567638475665845564986758479086840564796854665748763454 |

    Scenario Outline: the well-formed id <id>, held by no one
      Given a patient read of the logical id "<id>"
      When the request is sent
      Then the response status is 404
      And the response is a valid GP Connect OperationOutcome

      Examples:
        | id             |
        | aaBA           |
        | 1ZEc2          |
        | z.as.dd        |
        | 1.1.22         |
        | 40-9           |
        | nd-skdm.mks--s |

    Scenario: no id at all
      Given a patient read of the logical id ""
      When the request is sent
      Then the response status is 400 or 404
      And the response is a valid GP Connect OperationOutcome

  @RFA-INF-011 @lot1 @must @route-national
  Rule: A patient read carries a weak ETag naming the version it returned

    Scenario Outline: the ETag of <patient>
      Given a patient read of "<patient>"
      When the request is sent
      Then the response status is 200
      And the response has an ETag for the version it returned

      Examples:
        | patient  |
        | patient1 |
        | patient2 |
