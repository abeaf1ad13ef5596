"""ipywidgets views over the ``facilitation`` core: no domain logic lives here.

Views call the ``facilitation.workbench.Workbench`` façade and render what it returns;
they arrive with the facilitator, observer and customer notebooks.
"""
