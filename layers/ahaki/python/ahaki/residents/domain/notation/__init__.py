"""Notation: when two writings of a name, a reading or an address are the same value.

The register holds what applicants and staff typed; the resident register (住基ネット) holds its
own notation. These pure modules define the equivalences the sync compares by (names, kana,
addresses), each as named rules a tenant may turn off. Folded forms exist for comparison only:
the register's stored values are never rewritten by a fold. See docs/adr/0160-0162.
"""
