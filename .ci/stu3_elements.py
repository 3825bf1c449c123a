"""Prints the FHIR STU3 element table the harness's XML reader and writer use
(schemas/fhir/stu3-elements.tsv), taken from `fhir.resources` (PyPI), which
is generated from the STU3 (3.0.2) StructureDefinitions. CI re-runs it and
compares, so the table cannot drift from its source.

One line per type: `Name` (or `Name!` for a resource), then one tab-separated
`element:kind` per element, in the definition's order; `*` after the kind
marks a repeating element (max > 1). Kinds: `boolean`, `integer`, `decimal`,
`string` (every other primitive), `xhtml`, `Resource` (a nested resource), or
the name of a complex type or backbone element.
"""
import importlib
import inspect
import pkgutil

import fhir.resources.STU3 as stu3
from fhir.resources.STU3 import fhirtypes, resource
from fhir.resources.core.fhirabstractmodel import FHIRAbstractModel

PRIMITIVE = {
    bool: "boolean",
    fhirtypes.Boolean: "boolean",
    fhirtypes.Integer: "integer",
    fhirtypes.PositiveInt: "integer",
    fhirtypes.UnsignedInt: "integer",
    fhirtypes.Decimal: "decimal",
    fhirtypes.Xhtml: "xhtml",
}


def kind(field):
    named = getattr(field.type_, "__resource_type__", None)
    if named is not None:
        return named
    return PRIMITIVE.get(field.type_, "string")


def main():
    classes = {}
    for m in pkgutil.iter_modules(stu3.__path__):
        mod = importlib.import_module("fhir.resources.STU3." + m.name)
        for name, c in inspect.getmembers(mod, inspect.isclass):
            if issubclass(c, FHIRAbstractModel) and c.__module__ == mod.__name__ and hasattr(c, "elements_sequence"):
                classes[name] = c
    for name in sorted(classes):
        c = classes[name]
        by_alias = {f.alias: f for f in c.__fields__.values()}
        cells = [name + ("!" if issubclass(c, resource.Resource) else "")]
        for element in c.elements_sequence():
            f = by_alias[element]
            cells.append(f"{element}:{kind(f)}{'*' if f.shape != 1 else ''}")
        print("\t".join(cells))


if __name__ == "__main__":
    main()
