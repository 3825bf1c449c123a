Feature: Knowledge bases: coded medicines and clinical concepts
  The candidate's knowledge base holds SNOMED CT and its dm+d extension as
  they are now (profile §30). It shows in what the candidate sends EPS
  when it prescribes (§28): a product picked by its code alone goes to
  EPS under its dm+d code and the name dm+d gives it; and in what it
  records (§15): a clinical concept picked by its code alone is recorded
  under the name SNOMED CT gives it, read back through Access Record
  Structured. A code the knowledge
  base does not hold, an inactive one, a drug rather than a product (VTM),
  or one that is not a SNOMED CT id at all (its Verhoeff check digit
  wrong) is not prescribed, and EPS is sent nothing. The test data's
  terminology (fixtures/terminology.json) lists the concepts used.

  @RFA-KNW-001 @lot1 @must @route-readback
  Rule: A dm+d product picked by its code alone is prescribed under that code and the name dm+d gives it: the order EPS receives carries both, as the knowledge base holds them

    Scenario Outline: <concept>
      Given a prescription for "patient1" of "<concept>" by its code alone
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"
      And the EPS order for "rx" names "<concept>" as dm+d does

      Examples:
        | concept                                |
        | Amoxicillin 500mg capsules             |
        | Morphine 10mg modified-release tablets |
        | Clarithromycin 500mg tablets           |
        | Paracetamol 500mg tablets              |
        | Amoxicillin 250mg/5ml oral suspension  |

  @RFA-KNW-002 @lot1 @must @route-readback
  Rule: A clinical concept picked by its code alone is recorded under the name SNOMED CT gives it: the structured record shows the code and that name

    Scenario Outline: <concept>
      Given an AllergyIntolerance to record for "patient20"
      And the concept to record is "<concept>" by its code alone
      When the candidate is asked to record the entry
      Then the candidate carried out the action
      And the structured record of "patient20" shows the entry as entered
      And the entry is named as SNOMED CT names it

      Examples:
        | concept               |
        | Allergy to penicillin |
        | No known allergy      |

  @RFA-KNW-006 @lot1 @must @route-readback
  Rule: A prescription of a well-formed code the knowledge base does not hold is not issued: the candidate refuses it and sends EPS nothing

    Scenario: a product it holds, issued
      Given a prescription for "patient1" of the code "322236009"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario Outline: code <code>
      Given a prescription for "patient1" of the code "<code>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | code               |
        | 999000011000001104 |
        | 1000004            |

  @RFA-KNW-007 @lot1 @must @route-readback
  Rule: A prescription of an inactive (invalid) dm+d product is not issued: the candidate refuses it and sends EPS nothing

    Scenario: a current product, issued
      Given a prescription for "patient1" of "Ibuprofen 400mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario: a withdrawn product
      Given a prescription for "patient1" of "Co-proxamol 32.5mg/325mg tablets"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-KNW-008 @lot1 @must @route-readback
  Rule: A prescription whose code is not a SNOMED CT concept id (wrong check digit, a leading zero), or not in SNOMED CT / dm+d, is not issued: the candidate refuses it and sends EPS nothing

    Scenario: the right check digit, issued
      Given a prescription for "patient1" of the code "42186511000001101"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario Outline: code <code>
      Given a prescription for "patient1" of the code "<code>"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

      Examples:
        | code       |
        | 323510008  |
        | 32351000X  |
        | 0322236009 |

    Scenario: coded in another system
      Given a prescription for "patient1" of "Paracetamol 500mg tablets"
      And the prescription's medication system is "http://www.whocc.no/atc"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS

  @RFA-KNW-009 @lot1 @must @route-readback
  Rule: A prescription of a drug (VTM) rather than a product is not issued: the candidate refuses it and sends EPS nothing

    Scenario: Amoxicillin 500mg capsules, the product, issued
      Given a prescription for "patient1" of "Amoxicillin 500mg capsules"
      When the candidate is asked to issue the prescription
      Then the candidate issued the prescription as "rx"

    Scenario: Amoxicillin, the drug
      Given a prescription for "patient1" of "Amoxicillin"
      When the candidate is asked to issue the prescription
      Then the candidate refused the action
      And the candidate made no requests of EPS
