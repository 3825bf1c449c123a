Feature: Clinical safety, information governance and hosting
  Some requirements are judged by an assessor from what the supplier shows
  them, not by calling the API. Each is tagged @manual: the harness never runs
  it; an assessor records a signed verdict and rationale with `rfa attest`, and
  `rfa run --attestations` folds it into the results and the dossier. Until
  then the requirement is not-assessed and its lot cannot be accreditable.
  The scenarios say what the assessor examines.
  (NHS England: DCB0129 clinical risk management; Data Security and Protection
  Toolkit; GP IT hosting and infrastructure requirements.)

  @RFA-GOV-001 @lot1 @must @manual
  Rule: A clinical safety case to DCB0129, approved by a named Clinical Safety Officer, covers every function submitted

    Scenario: the assessor reviews the clinical safety case
      Given the supplier's Clinical Safety Case Report and Hazard Log for the version under test
      When the assessor reviews them against DCB0129
      Then the Hazard Log covers every clinical function submitted for accreditation
      And every hazard has a mitigation and a residual risk rating
      And the report is approved by a Clinical Safety Officer who is a registered clinician

  @RFA-GOV-002 @lot1 @must @manual
  Rule: The supplier meets the Data Security and Protection Toolkit standard for the current year

    Scenario: the assessor checks the toolkit publication
      Given the supplier's organisation code
      When the assessor looks it up in the published Data Security and Protection Toolkit assessments
      Then the latest assessment is for the current year
      And its status is "Standards Met" or "Standards Exceeded"

  @RFA-GOV-003 @lot1 @must @manual
  Rule: Patient data is hosted in the UK in data centres meeting NHS hosting requirements, with tested backup and recovery

    Scenario: the assessor reviews the hosting evidence
      Given the supplier's hosting and disaster recovery documentation
      When the assessor reviews it with the supplier
      Then every copy of patient data, backups included, is held in the UK
      And the data centres hold current ISO/IEC 27001 certification
      And a restore from backup was tested within the last 12 months with its recovery time recorded
