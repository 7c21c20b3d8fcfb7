"""``dentsec scan``: what the practice network exposes, seen by nmap from one workstation.

targets (what the user typed, judged before anything is sent) -> nmap (argv list, XML
output) -> nmap_xml (parser of nmap's documented DTD) -> findings (per host, pure) ->
renderers (terminal, JSON, HTML, PDF).
"""
