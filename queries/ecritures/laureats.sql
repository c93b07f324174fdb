-- Each project's laureate (the rule of the view projet_laureat_methode, relance/schema.sql), written after the
-- projects change: at the end of a build, after an import or a removal.
-- params: none
delete from projet_laureat;
insert into projet_laureat select * from projet_laureat_methode order by projet_id;
