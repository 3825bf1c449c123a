Feature: Migrating a patient's structured record
  When a patient registers at a new practice, the new practice's system
  takes the whole record from the old one with
  POST [structured]/Patient/$gpc.migratestructuredrecord: a Parameters
  resource naming the patient and includeFullRecord, whose
  includeSensitiveInformation part says whether confidential and sensitive
  items come too. The JWT says why (reason_for_request migration) and how
  confidentially (requested_scope conf/R to include sensitive information,
  conf/N to leave it out). The answer is the structured record Bundle with
  every clinical area and the patient's documents, which are then retrieved
  with the migrate-document interaction.
  (GP Connect Access Record Structured 1.6: Migrate a patient's structured
  record; Access Document 1.6: Migrate a document; Cross-organisation audit
  and provenance: reason_for_request, requested_scope; provider test suite
  StructuredMigrate.feature.)

  @RFA-INF-086 @lot1 @must @route-national
  Rule: A migration is answered with the patient's full structured record: every clinical area, each resource once, and no OperationOutcome

    Scenario Outline: patient2's record <with> sensitive information
      Given a structured record migration for "patient2" <with> sensitive information
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle holds no resource twice
      And the Bundle has no OperationOutcome
      And the Bundle holds the patient's registered practice and usual GP
      And every list item and every reference to a medication, plan or administrative resource resolves within the Bundle
      And the Bundle has a list for every clinical area

      Examples:
        | with    |
        | without |
        | with    |

  @RFA-INF-087 @lot1 @must @route-national
  Rule: A migration without sensitive information leaves confidential items out, and every list they would have been in carries the confidential-items warning

    Scenario: patient2's confidential medication and allergy
      Given a structured record migration for "patient2" without sensitive information
      When the request is sent
      Then no Medication in the Bundle has the code 321959007
      And no AllergyIntolerance in the Bundle has the code 300916003
      And the "Medications and medical devices" list carries the warning "confidential-items"
      And the "Allergies and adverse reactions" list carries the warning "confidential-items"

  @RFA-INF-088 @lot1 @should @route-national
  Rule: A migration with sensitive information, under the conf/R scope, includes the confidential items

    Scenario: patient2's confidential medication and allergy come too
      Given a structured record migration for "patient2" with sensitive information
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle holds 1 Medication resource with "code.coding.code" = "321959007"
      And the Bundle holds 1 AllergyIntolerance resource with "code.coding.code" = "300916003"

  @RFA-INF-089 @lot1 @must @route-national
  Rule: A migration is served without requesting_practitioner: a record transfer is made by a system, not a user

    Scenario Outline: no requesting_practitioner, <with> sensitive information
      Given a structured record migration for "patient2" <with> sensitive information
      And the JWT claim "requesting_practitioner" is removed
      When the request is sent
      Then the response is a structured record Bundle for "patient2"

      Examples:
        | with    |
        | without |
        | with    |

  @RFA-INF-090 @lot1 @must @route-national
  Rule: The record of a patient not held or deceased is not migrated: 404 PATIENT_NOT_FOUND

    Scenario: the control: patient2, held and alive, is migrated
      Given a structured record migration for "patient2" without sensitive information
      When the request is sent
      Then the response status is 200
      And the response is a "Bundle" resource

    Scenario Outline: <patient> (<why>), <with> sensitive information
      Given a structured record migration for "<patient>" <with> sensitive information
      When the request is sent
      Then the request is refused with 404 "PATIENT_NOT_FOUND"

      Examples:
        | patient            | why      | with    |
        | patient18          | deceased | without |
        | patient18          | deceased | with    |
        | patientNotInSystem | not held | without |

  @RFA-INF-091 @lot1 @must @route-national
  Rule: A migration carrying any parameter but patientNHSNumber and includeFullRecord is refused with 422 INVALID_PARAMETER

    Scenario: the control: the two parameters alone are served
      Given a structured record migration for "patient2" without sensitive information
      When the request is sent
      Then the response status is 200
      And the response is a "Bundle" resource

    Scenario: includeImmunisations beside the full record
      Given a structured record migration for "patient2" without sensitive information
      And the parameter "includeImmunisations"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

    Scenario: includeMedication beside the full record with sensitive information
      Given a structured record migration for "patient2" with sensitive information
      And the parameter "includeMedication" with "includePrescriptionIssues" = false
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

  @RFA-INF-092 @lot1 @must @route-national
  Rule: A migration whose JWT reason_for_request is missing or not migration is refused with 400 BAD_REQUEST

    Scenario: the control: reason_for_request migration is served
      Given a structured record migration for "patient2" without sensitive information
      When the request is sent
      Then the response status is 200
      And the response is a "Bundle" resource

    Scenario Outline: reason_for_request <change>, <with> sensitive information
      Given a structured record migration for "patient2" <with> sensitive information
      And the JWT claim "reason_for_request" <change>
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | change                     | with    |
        | is removed                 | with    |
        | is removed                 | without |
        | is set to "badReason"      | with    |
        | is set to "badReason"      | without |
        | is set to "directcare"     | without |

  @RFA-INF-093 @lot1 @must @route-national
  Rule: A migration's requested_scope must name the confidentiality it asks for: conf/R with sensitive information, conf/N or none without; otherwise, or with no scope, it is refused with 400

    Scenario Outline: sensitive information asked for under "<scope>"
      Given a structured record migration for "patient2" with sensitive information
      And the JWT claim "requested_scope" is set to "<scope>"
      When the request is sent
      Then the request is refused with 400 "CONFLICTING_VALUES"

      Examples:
        | scope                 |
        | patient/*.read conf/N |
        | patient/*.read        |

    Scenario: no sensitive information asked for under conf/R
      Given a structured record migration for "patient2" without sensitive information
      And the JWT claim "requested_scope" is set to "patient/*.read conf/R"
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST" or "CONFLICTING_VALUES"

    Scenario Outline: no requested_scope, <with> sensitive information
      Given a structured record migration for "patient2" <with> sensitive information
      And the JWT claim "requested_scope" is removed
      When the request is sent
      Then the request is refused with 400 "BAD_REQUEST"

      Examples:
        | with    |
        | without |
        | with    |

    Scenario: no confidentiality named is read as conf/N, and served without sensitive information
      Given a structured record migration for "patient2" without sensitive information
      And the JWT claim "requested_scope" is set to "patient/*.read"
      When the request is sent
      Then the response status is 200
      And the response is a "Bundle" resource

  @RFA-INF-094 @lot1 @must @route-national
  Rule: The documents a migrated record lists are retrieved with the migrate-document interaction as Binary resources

    Scenario Outline: patient2's first document, <with> sensitive information
      Given a structured record migration for "patient2" <with> sensitive information
      When the request is sent
      Then the response is a structured record Bundle for "patient2"
      And the Bundle holds no resource twice
      And the Bundle has no OperationOutcome
      When the first document the migrated record lists is retrieved with the migrate-document interaction
      Then the response is that document as a Binary

      Examples:
        | with    |
        | without |
        | with    |

  @RFA-INF-096 @lot1 @must @route-national
  Rule: The Access Record Structured CapabilityStatement declares the gpc.migratestructuredrecord operation

    Scenario: the migration operation is declared
      Given a structured metadata request
      When the request is sent
      Then the CapabilityStatement declares the operation "gpc.migratestructuredrecord"
