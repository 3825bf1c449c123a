Feature: Registering patients
  A consumer registers a patient who needs care at the practice — a
  temporary resident — with $gpc.registerpatient. The candidate traces the
  patient on PDS (by NHS number and birth date) first and registers only a
  patient PDS vouches for: alive, not sensitive, born on the date given.
  The Patient sent carries what GP Connect lets a consumer send, and
  nothing more. A patient is never registered twice. (GP Connect: Register a patient; provider test suite
  PatientRegister.feature. PDS in the reference is fixtures/pds.json and
  the practice's own patients; the pool patients pool1… are the ones a run
  registers.)

  @RFA-REC-041 @lot1 @must @route-national
  Rule: A patient traced on PDS is registered as a temporary resident: 200, a searchset Bundle with the Patient as sent, registration type T, readable by its id

    Scenario: a patient from the PDS pool
      When a patient from the PDS pool is registered
      Then the response is the registration of that patient
      And the response is FHIR JSON
      And every Patient in the Bundle conforms to the "patient" schema
      And the response header "Cache-Control" includes "no-store"
      And the registered patient can be read by its id

    Scenario Outline: JSON asked for <how>
      Given a registration of a patient from the PDS pool
      And the registered patient's "identifier" gets {"system": "GenericIdentifierSystem", "value": "GenericIdentifierValue"}
      And the "Accept" header is <accept>
      And the query parameter "_format" is added with the value "application/fhir+json"
      When the pool registration is sent
      Then the response is the registration of that patient
      And the response is FHIR JSON
      And every Patient in the Bundle conforms to the "patient" schema

      Examples:
        | how                                 | accept                   |
        | by _format, without Accept          | removed                  |
        | by Accept and _format together      | "application/fhir+json"  |
        | by _format, over an Accept of XML   | "application/fhir+xml"   |

  @RFA-REC-042 @lot1 @must @route-national
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

  @RFA-REC-043 @lot1 @must @route-national
  Rule: A patient PDS does not vouch for — not on PDS, deceased, sensitive, or with another birth date — is refused with 400 INVALID_PATIENT_DEMOGRAPHICS

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

    Scenario: a pool patient with another birth date
      Given a registration of "refused3"
      And the registered patient's "birthDate" is set to "1970-01-01"
      When the request is sent
      Then the request is refused with 400 "INVALID_PATIENT_DEMOGRAPHICS"
      And nothing was stored

    Scenario: the NHS number of a practice patient with someone else's demographics
      Given a registration of "pool72" under the NHS number of "patient14"
      When the request is sent
      Then the request is refused with 400 "INVALID_PATIENT_DEMOGRAPHICS"

  @RFA-REC-044 @lot1 @must @route-national
  Rule: A registration without an NHS number, or whose NHS number fails Modulus 11 or PDS has retired, is refused with 400 INVALID_NHS_NUMBER

    Scenario Outline: the NHS number <number> (<why>)
      Given a registration of the NHS number "<number>" with the demographics of "<patient>"
      When the request is sent
      Then the request is refused with 400 "INVALID_NHS_NUMBER"

      Examples:
        | number      | patient   | why                                |
        | 9990010006  | pool71    | wrong check digit                  |
        | 999001000   | pool71    | nine digits                        |
        | 99900100050 | pool71    | eleven digits                      |
        | hello       | pool71    | not a number                       |
        | 9990000867  | patient11 | superseded: patient11's old number |

    Scenario: no identifier at all
      Given a registration of "pool71"
      And the registered patient's "identifier" is removed
      When the request is sent
      Then the request is refused with 400 "INVALID_NHS_NUMBER"
      And the response header "Cache-Control" includes "no-store"

  @RFA-REC-045 @lot1 @must @route-national
  Rule: A registration must carry a birth date and one official name with a family name, identifiers with a system, and registerPatient once, else 400 BAD_REQUEST; a misnamed parameter is 422 INVALID_PARAMETER; gender is optional

    Scenario: no gender
      Given a registration of a patient from the PDS pool
      And the registered patient's "gender" is removed
      When the pool registration is sent
      Then the patient is registered as sent

    Scenario Outline: <why>
      Given a registration of "<patient>"
      And the registered patient's "<field>" is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

      Examples:
        | field         | why                         | patient   |
        | birthDate     | no birth date               | refused4  |
        | name          | no name at all              | refused5  |
        | name.0.family | an official name, no family | refused6  |

    Scenario: a name, but none of use official
      Given a registration of "refused7"
      And the registered patient's "name.0.use" is set to "anonymous"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

    Scenario: an identifier without a system beside the NHS number
      Given a registration of "refused8"
      And the registered patient's "identifier" gets {"value": "NewIdentifierNoSystem"}
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

    Scenario: registerPatient twice
      Given a registration of "refused9"
      And the registration parameter is repeated
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

    Scenario: the parameter misnamed
      Given a registration of "refused10"
      And the registration parameter is named "patient"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"
      And nothing was stored

  @RFA-REC-054 @lot1 @should @profile-decision @route-national
  Rule: A registration whose official family or given name, or gender, differ from PDS's is refused with 400 INVALID_PATIENT_DEMOGRAPHICS

    Scenario Outline: a pool patient with another <field>
      Given a registration of "<patient>"
      And the registered patient's "<field>" is set to <value>
      When the request is sent
      Then the request is refused with 400 "INVALID_PATIENT_DEMOGRAPHICS"
      And nothing was stored

      Examples:
        | field         | value      | patient   |
        | name.0.family | "Somebody" | refused11 |
        | gender        | "unknown"  | refused12 |

  @RFA-REC-055 @lot1 @must @route-national
  Rule: A registration carrying what a consumer may not send — another resource than Parameters or Patient, or Patient elements beyond the demographics, identifiers, address, telecom and extensions — is refused with 422 INVALID_RESOURCE

    Scenario: the body is not a Parameters
      Given a registration of "refused13"
      And the registration body's "resourceType" is set to "InvalidResourceType"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario: the parameter holds no Patient
      Given a registration of "refused14"
      And the registered patient's "resourceType" is set to "InvalidResourceType"
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

    Scenario Outline: the Patient carries <field>
      Given a registration of "<patient>"
      And the registered patient's "<field>" is set to <value>
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | field                | value                                                        | patient   |
        | invalidField         | "Assurance Testing Invalid Field"                            | refused15 |
        | active               | true                                                         | refused16 |
        | multipleBirthBoolean | true                                                         | refused17 |
        | generalPractitioner  | [{"display": "Test Care Provider"}]                          | refused18 |
        | contact              | [{"name": {"use": "anonymous", "family": "TestFamily"}}]     | refused19 |
        | managingOrganization | {"display": "Test Managing Org"}                             | refused20 |
        | maritalStatus        | {"coding": [{"system": "http://hl7.org/fhir/v3/MaritalStatus", "code": "M"}]} | refused21 |
        | animal               | {"species": {"coding": [{"system": "AllSpecies", "code": "Human"}]}} | refused22 |
        | communication        | [{"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "en"}]}}] | refused23 |
        | photo                | [{"url": "Test Photo Element"}]                              | refused24 |
        | deceasedDateTime     | "2017-09-01T10:00:00+00:00"                                  | refused25 |

  @RFA-REC-056 @lot1 @must @route-national
  Rule: A registration may also carry one address of use home and one of use temp, one telecom per system and use, one nhsCommunication extension, more given names, names of other uses and other identifiers; a second address of one use, an address of another use or a second nhsCommunication is refused with 422 INVALID_RESOURCE, a second telecom of one system and use with 400 BAD_REQUEST

    Scenario: everything a registration may carry
      Given a registration of a patient from the PDS pool
      And the registered patient's "name.0.given" gets "GivenName-1"
      And the registered patient's "name" gets {"use": "nickname", "family": "AdditionalFamily", "given": ["AdditionalGiven"]}
      And the registered patient's "identifier" gets {"system": "GenericIdentifierSystem", "value": "GenericIdentifierValue"}
      And the registered patient's "address" gets {"use": "temp", "line": ["1 Trevelyan Square", "Boar Lane"], "city": "Leeds", "postalCode": "LS1 6AE"}
      And the registered patient's "address" gets {"use": "home", "line": ["2 Park Row"], "city": "Leeds", "postalCode": "LS1 5HD"}
      And the registered patient's "telecom" gets {"system": "phone", "use": "home", "value": "01234567891"}
      And the registered patient's "telecom" gets {"system": "phone", "use": "work", "value": "01132678901"}
      And the registered patient's "telecom" gets {"system": "phone", "use": "mobile", "value": "07767890123"}
      And the registered patient's "telecom" gets {"system": "phone", "use": "temp", "value": "01234567892"}
      And the registered patient's "telecom" gets {"system": "email", "use": "temp", "value": "abc.d@mail.com"}
      And the registered patient's "extension" gets {"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-NHSCommunication-1", "extension": [{"url": "language", "valueCodeableConcept": {"coding": [{"system": "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-HumanLanguage-1", "code": "de", "display": "German"}]}}, {"url": "interpreterRequired", "valueBoolean": true}]}
      When the pool registration is sent
      Then the patient is registered as sent
      And the registered patient has the nhsCommunication extension sent, once

    Scenario Outline: addresses of use <uses>
      Given a registration of "<patient>"
      And the registered patient's "address" is set to [<first>, <second>]
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | uses       | first                                      | second                                      | patient   |
        | temp, temp | {"use": "temp", "line": ["1 Boar Lane"]}   | {"use": "temp", "line": ["2 Boar Lane"]}    | refused26 |
        | home, home | {"use": "home", "line": ["1 Boar Lane"]}   | {"use": "home", "line": ["2 Boar Lane"]}    | refused27 |
        | home, work | {"use": "home", "line": ["1 Boar Lane"]}   | {"use": "work", "line": ["2 Boar Lane"]}    | refused28 |
        | old, temp  | {"use": "old", "line": ["1 Boar Lane"]}    | {"use": "temp", "line": ["2 Boar Lane"]}    | refused29 |

    Scenario Outline: one address of use <use>
      Given a registration of "<patient>"
      And the registered patient's "address" is set to [{"use": "<use>", "line": ["1 Boar Lane"], "city": "Leeds"}]
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

      Examples:
        | use  | patient   |
        | work | refused30 |
        | old  | refused31 |

    Scenario Outline: two telecoms of system <system> and use <use>
      Given a registration of "<patient>"
      And the registered patient's "telecom" is set to [{"system": "<system>", "use": "<use>", "value": "01234567891"}, {"system": "<system>", "use": "<use>", "value": "01234567893"}]
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"
      And nothing was stored

      Examples:
        | system | use    | patient   |
        | phone  | home   | refused32 |
        | phone  | mobile | refused33 |
        | email  | temp   | refused34 |

    Scenario: two nhsCommunication extensions
      Given a registration of "refused35"
      And the registered patient's "extension" gets {"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-NHSCommunication-1", "extension": [{"url": "language", "valueCodeableConcept": {"coding": [{"system": "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-HumanLanguage-1", "code": "de"}]}}]}
      And the registered patient's "extension" gets {"url": "https://fhir.nhs.uk/STU3/StructureDefinition/Extension-CareConnect-GPC-NHSCommunication-1", "extension": [{"url": "language", "valueCodeableConcept": {"coding": [{"system": "https://fhir.nhs.uk/STU3/CodeSystem/CareConnect-HumanLanguage-1", "code": "fr"}]}}]}
      When the request is sent
      Then the request is refused with 422 "INVALID_RESOURCE"
      And nothing was stored

  @RFA-REC-057 @lot1 @should @profile-decision @route-national
  Rule: The address and telecom a registration carries are kept and returned with the registered patient

    Scenario: a temporary address and a home phone
      Given a registration of a patient from the PDS pool
      And the registered patient's "address" gets {"use": "temp", "line": ["1 Trevelyan Square", "Boar Lane"], "city": "Leeds", "postalCode": "LS1 6AE"}
      And the registered patient's "telecom" gets {"system": "phone", "use": "home", "value": "01234567891"}
      When the pool registration is sent
      Then the patient is registered as sent
      And the registered patient has the "address" sent
      And the registered patient has the "telecom" sent

  # Profile decision: GP Connect says servers SHOULD support XML; the
  # official PatientRegister feature registers with XML bodies and asks
  # for XML answers.
  @RFA-REC-058 @lot1 @should @route-national
  Rule: Registration takes a FHIR XML body and answers in FHIR XML when asked for

    Scenario Outline: Accept <accept>, _format <format>, a <body> body
      Given a registration of a patient from the PDS pool
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "<format>"
      And <body step>
      When the pool registration is sent
      Then the response is the registration of that patient
      And the response is <answer>

      Examples:
        | accept                | format                | body | body step                            | answer    |
        | application/fhir+xml  | application/fhir+xml  | XML  | the request body is sent as FHIR XML | FHIR XML  |
        | application/fhir+xml  | application/fhir+json | XML  | the request body is sent as FHIR XML | FHIR JSON |
        | application/fhir+json | application/fhir+json | XML  | the request body is sent as FHIR XML | FHIR JSON |
        | application/fhir+json | application/fhir+xml  | XML  | the request body is sent as FHIR XML | FHIR XML  |

    Scenario Outline: Accept <accept>, _format XML, a JSON body
      Given a registration of a patient from the PDS pool
      And the "Accept" header is "<accept>"
      And the query parameter "_format" is added with the value "application/fhir+xml"
      When the pool registration is sent
      Then the response is the registration of that patient
      And the response is FHIR XML

      Examples:
        | accept                |
        | application/fhir+json |
        | application/fhir+xml  |

    Scenario: Accept XML and a FHIR XML body
      Given a registration of a patient from the PDS pool
      And the "Accept" header is "application/fhir+xml"
      And the request body is sent as FHIR XML
      When the pool registration is sent
      Then the response is the registration of that patient
      And the response is FHIR XML
