-- Contrôle : chaque membre de chaque territoire a son contour (carte des membres), fondu des contours de ses communes.
-- params: none
-- columns: phase, ti_id, siren
select m.phase, m.ti_id, m.siren
from territoire_membre as m
anti join membre_geometrie as g on g.phase = m.phase and g.ti_id = m.ti_id and g.siren = m.siren
