Feature: Registering patients
  A consumer registers a patient who needs care at the practice — a
  temporary resident — with $gpc.registerpatient. The candidate traces the
  patient on PDS first and registers only a patient PDS vouches for: alive,
  not sensitive, with the demographics given. A patient is never registered
  twice. (GP Connect: Register a patient; provider test suite
  PatientRegister.feature. PDS in the reference is fixtures/pds.json and
  the practice's own patients; the pool patients pool1… are the ones a run
  registers.)

  @RFA-REC-041 @lot1 @must
  Rule: A patient traced on PDS is registered as a temporary resident: 200, a searchset Bundle with the Patient as sent, registration type T, readable by its id

    Scenario: a patient from the PDS pool
      When a patient from the PDS pool is registered
      Then the response is the registration of that patient
      And the registered patient can be read by its id

  @RFA-REC-042 @lot1 @must
  Rule: Registering a patient who is already registered is refused with 409 DUPLICATE_REJECTED

    Scenario: registered twice
      When a patient from the PDS pool is registered
      Then the response status is 200
      Given a registration of that patient again
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"

    Scenario Outline: already registered here (<why>)
      Given a registration of "<patient>"
      When the request is sent
      Then the request is refused with 409 "DUPLICATE_REJECTED"

      Examples:
        | patient   | why                  |
        | patient1  | a regular patient    |
        | patient14 | a temporary resident |

  @RFA-REC-043 @lot1 @must
  Rule: A patient PDS does not vouch for — not on PDS, other demographics, deceased, sensitive — is refused with 400 INVALID_PATIENT_DEMOGRAPHICS

    Scenario Outline: <why>
      Given a registration of "<patient>"
      When the request is sent
      Then the request is refused with 400 "INVALID_PATIENT_DEMOGRAPHICS"

      Examples:
        | patient            | why                                |
        | patientNotInSystem | not on PDS                         |
        | pdsDeceased        | deceased on PDS                    |
        | pdsSensitive       | sensitive on PDS                   |
        | patient18          | a practice patient who has died    |
        | patient9           | a sensitive practice patient       |

    Scenario Outline: a pool patient with another <field>
      Given a registration of "pool12"
      And the registered patient's "<field>" is set to <value>
      When the request is sent
      Then the request is refused with 400 "INVALID_PATIENT_DEMOGRAPHICS"

      Examples:
        | field     | value          |
        | birthDate | "1970-01-01"   |
        | name.0.family | "Somebody" |
        | gender    | "unknown"      |

  @RFA-REC-044 @lot1 @must
  Rule: An NHS number that fails Modulus 11, or that PDS has retired, is refused with 400 INVALID_NHS_NUMBER

    Scenario Outline: the NHS number <number> (<why>)
      Given a registration of the NHS number "<number>" with the demographics of "<patient>"
      When the request is sent
      Then the request is refused with 400 "INVALID_NHS_NUMBER"

      Examples:
        | number     | patient   | why                               |
        | 9990010006 | pool11    | wrong check digit                 |
        | 999001000  | pool11    | nine digits                       |
        | 9990000867 | patient11 | superseded: patient11's old number |

  @RFA-REC-045 @lot1 @must
  Rule: A registration without a family name, gender or birth date is refused with 422 INVALID_RESOURCE; without the registerPatient parameter with 422 INVALID_PARAMETER

    Scenario Outline: no <field>
      Given a registration of "pool10"
      And the registered patient's "<field>" is removed
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"

      Examples:
        | field     |
        | name      |
        | gender    |
        | birthDate |

    Scenario: the parameter misnamed
      Given a registration of "pool10"
      And the registration parameter is named "patient"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
