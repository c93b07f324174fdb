-- The methods of relance/schema.sql (views *_methode) stored once per build as tables, so that the map, the series,
-- the comparison, the ranks and the terciles read them without computing them again.
-- params: none
create table territoire_indicateur as
select * from territoire_indicateur_methode order by phase, ti_id, id_indicateur, date;
create table departement_couverture as
select * from departement_couverture_methode order by phase, code;
