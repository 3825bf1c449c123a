Feature: Knowledge bases: terminology look-up and coded medicines
  The candidate's knowledge base answers for SNOMED CT and its dm+d
  extension: `GET [base]/CodeSystem/$lookup?system=http://snomed.info/sct&code=…`
  gives a concept's display, whether it is inactive, and its class (VTM,
  VMP, AMP or finding; profile §30). A prescription names a current dm+d
  product (VMP or AMP): a code the knowledge base does not hold, an
  inactive one, a drug rather than a product (VTM), or one that is not a
  SNOMED CT id at all (its Verhoeff check digit wrong) is refused. The test
  data's terminology (fixtures/terminology.json) lists the concepts used.

  @RFA-KNW-001 @lot1 @must @route-extension
  Rule: A look-up of a dm+d product answers its display, active, and its class

    Scenario Outline: <concept>
      Given a look-up of "<concept>"
      When the request is sent
      Then the look-up answers "<concept>", active, class "VMP"

      Examples:
        | concept                                |
        | Amoxicillin 500mg capsules             |
        | Morphine 10mg modified-release tablets |
        | Clarithromycin 500mg tablets           |
        | Paracetamol 500mg tablets              |

    Scenario: a drug (VTM)
      Given a look-up of "Amoxicillin"
      When the request is sent
      Then the look-up answers "Amoxicillin", active, class "VTM"

  @RFA-KNW-002 @lot1 @must @route-extension
  Rule: A look-up of a SNOMED CT clinical concept answers its display, active, class finding

    Scenario Outline: <concept>
      Given a look-up of "<concept>"
      When the request is sent
      Then the look-up answers "<concept>", active, class "finding"

      Examples:
        | concept               |
        | Allergy to penicillin |
        | No known allergy      |

  @RFA-KNW-003 @lot1 @must @route-extension
  Rule: A look-up of an inactive concept answers it, marked inactive

    Scenario Outline: <concept>
      Given a look-up of "<concept>"
      When the request is sent
      Then the look-up answers "<concept>", inactive, class "<class>"

      Examples:
        | concept                          | class |
        | Co-proxamol 32.5mg/325mg tablets | VMP   |
        | Quinine                          | VTM   |

  @RFA-KNW-004 @lot1 @must @route-extension
  Rule: A look-up of a well-formed code the knowledge base does not hold answers 404 NO_RECORD_FOUND

    Scenario Outline: code <code>
      Given a look-up of the code "<code>"
      When the request is sent
      Then the request is refused with 404 "NO_RECORD_FOUND"

      Examples:
        | code              |
        | 999000011000001104 |
        | 1000004            |

    Scenario: control: a code the knowledge base holds is looked up
      Given a look-up of "Amoxicillin 500mg capsules"
      When the request is sent
      Then the response status is 200
      And the response is a "Parameters" resource

  @RFA-KNW-005 @lot1 @must @route-extension
  Rule: A look-up of something that is not a SNOMED CT concept id, or in another code system, is refused with 422 INVALID_PARAMETER

    Scenario Outline: code <code>
      Given a look-up of the code "<code>"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

      Examples:
        | code       |
        | 323510008  |
        | 32351A009  |
        | 0323510009 |

    Scenario: another code system
      Given a look-up of the code "323510009" in "http://www.whocc.no/atc"
      When the request is sent
      Then the request is refused with 422 "INVALID_PARAMETER"

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
  Rule: A prescription whose code is not a SNOMED CT concept id (wrong check digit), or not in SNOMED CT / dm+d, is not issued: the candidate refuses it and sends EPS nothing

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
        | code      |
        | 323510008 |
        | 32351000X |

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
