"""English catalogues, one module per area of the UI: ``en_<area>.py`` with a dict ``EN``
from the German text to its English translation."""
