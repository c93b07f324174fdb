-- Contrôle : chaque projet a son lauréat (table projet_laureat, règle de la vue projet_laureat_methode), et seulement lui.
-- params: none
-- columns: projet_id, probleme
select p.projet_id, 'projet sans lauréat' as probleme
from projet as p
left join projet_laureat as l on l.projet_id = p.projet_id
where l.projet_id is null
union all
select l.projet_id, 'lauréat sans projet'
from projet_laureat as l
left join projet as p on p.projet_id = l.projet_id
where p.projet_id is null
